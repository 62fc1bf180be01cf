"""IkhokhaGateway: the PaymentGateway port over the real iK Pay API (or our simulator).

Composition: signed `Transport` (one pooled session) -> per-host `CircuitBreaker` per
attempt -> `RetryPolicy` (tenacity, deadline, budget) -> `answers` for decoding.
Every failure leaves as a ClassifiedFailure; nothing here logs a secret or a body.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiohttp

from adapters.ikhokha import answers, callbacks
from adapters.ikhokha import protocol_points as pp
from adapters.ikhokha.breaker import BreakerRegistry, CircuitBreaker
from adapters.ikhokha.retry_budget import RetryBudget
from adapters.ikhokha.retrying import RetryPolicy
from adapters.ikhokha.transport import MAX_HISTORY_BYTES, MAX_RESPONSE_BYTES, Answer, Transport
from adapters.ikhokha.wire import CreatePaylinkBody, Urls, encode
from application.ports import (
    CallbackNotice,
    Clock,
    Paylink,
    PaylinkRequest,
    PreviousSecretObserver,
    RefundMode,
    RefundResult,
)
from application.secret_rotation import RotatingSecret, SecretRotation
from domain.classification import ClassifiedFailure
from domain.gateway_report import GatewayReport
from domain.money import Money

log = logging.getLogger("adapters.ikhokha")
T = TypeVar("T")
# Wire path segment -> the port method it serves, so retries and calls share labels.
_PORT_NAMES = {"payment": "create_paylink", "getStatus": "get_status", "payments": "history"}


class _UtcClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class IkhokhaGateway:
    def __init__(self, *, base_url: str, app_id: str, app_secret: str,
                 webhook_secret: str | None = None, test_mode: bool = True,
                 timeout_ms: int = 15_000, deadline_ms: int = 30_000, retry_attempts: int = 3,
                 retry_delay_ms: int = 2_000, callback_path: str = "/webhooks/ikhokha",
                 session: aiohttp.ClientSession | None = None, connector_limit: int = 20,
                 clock: Clock | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 monotonic: Callable[[], float] = time.monotonic,
                 retry_budget: RetryBudget | None = None,
                 breakers: BreakerRegistry | None = None, rng: random.Random | None = None,
                 on_retry: Callable[[str, str], None] | None = None,
                 mode_source: Callable[[], str] | None = None,
                 webhook_secret_previous: str = "", secret_grace_until: datetime | None = None,
                 on_previous_secret: PreviousSecretObserver | None = None) -> None:
        self._app_id = app_id
        self._mode = pp.MODE_TEST if test_mode else pp.MODE_LIVE
        # A runtime flag (admin switch) wins over the configured mode when given.
        self._mode_source = mode_source or (lambda: self._mode)
        self._callback_path = callback_path
        self._clock: Clock = clock or _UtcClock()
        # Callbacks verify with the current secret, and the previous one until the grace
        # period ends (docs/operations.md "Rotating secrets"); requests use the current.
        self._callback_secrets = SecretRotation(
            RotatingSecret("callback", webhook_secret or app_secret, webhook_secret_previous,
                           secret_grace_until), self._clock, on_previous_secret)
        self._transport = Transport(base_url, app_id, app_secret, session=session,
                                    connector_limit=connector_limit)
        self._breakers = breakers or BreakerRegistry()
        self.policy = RetryPolicy(
            retries=retry_attempts, base_delay_s=retry_delay_ms / 1000,
            deadline_s=deadline_ms / 1000, attempt_timeout_s=timeout_ms / 1000,
            budget=retry_budget or RetryBudget(), sleep=sleep, monotonic=monotonic,
            rng=rng or random.Random(), on_retry=on_retry)

    @property
    def breaker(self) -> CircuitBreaker:
        """The breaker of our gateway host (shared per host), e.g. for health reporting."""
        return self._breakers.for_host(self._transport.host)

    async def aclose(self) -> None:
        await self._transport.aclose()

    async def _call(self, method: str, segments: tuple[str, ...],
                    interpret: Callable[[Answer], T], *, body: bytes = b"",
                    params: dict[str, str] | None = None, idempotent: bool = True,
                    max_bytes: int = MAX_RESPONSE_BYTES) -> T:
        breaker = self.breaker

        async def attempt(timeout_s: float) -> T:
            breaker.before_attempt()
            try:
                result = interpret(await self._transport.send(
                    method, segments, body=body, params=params, timeout_s=timeout_s,
                    max_bytes=max_bytes))
            except ClassifiedFailure as exc:
                breaker.record_failure(exc.code)
                log.warning("ikhokha %s %s attempt failed: %s", method, segments[0], exc.code)
                raise
            except BaseException:
                breaker.abandon()
                raise
            breaker.record_success()
            return result

        return await self.policy.run(attempt, idempotent=idempotent,
                                     label=_PORT_NAMES.get(segments[0], segments[0]))

    async def create_paylink(self, request: PaylinkRequest) -> Paylink:
        """Retried safely: the body is identical, so externalTransactionID is too."""
        origin = urlsplit(request.callback_url)
        body = encode(CreatePaylinkBody(
            entityID=self._app_id, externalEntityID=request.enrollment_id,
            amount=request.amount.amount_minor, currency=request.amount.currency,
            requesterUrl=f"{origin.scheme}://{origin.netloc}", mode=self._mode_source(),
            externalTransactionID=request.payment_id, description=request.description or None,
            urls=Urls(callbackUrl=request.callback_url, successPageUrl=request.success_url,
                      failurePageUrl=request.failure_url, cancelUrl=request.cancel_url)))
        now = self._clock.now()
        return await self._call("POST", ("payment",),
                                lambda a: answers.paylink(a, request.payment_id, now), body=body)

    async def get_status(self, paylink_id: str) -> GatewayReport | None:
        return await self._call("GET", ("getStatus", paylink_id),
                                lambda a: answers.status(a, paylink_id))

    async def refund(self, *, paylink_id: str, payment_id: str, amount: Money, reason: str,
                     refund_id: str) -> RefundResult:
        """iK Pay has no refund endpoint: an operator refunds in the dashboard."""
        return RefundResult(RefundMode.MANUAL_ACTION_REQUIRED)

    async def history(self, start: date, end: date) -> AsyncIterator[GatewayReport]:
        """Inclusive range, fetched in bounded windows, oldest first."""
        window_start = start
        while window_start <= end:
            window_end = min(end, window_start + pp.HISTORY_WINDOW - timedelta(days=1))
            reports = await self._call("GET", ("payments", "history"), answers.history,
                                       params=pp.history_params(window_start, window_end),
                                       max_bytes=MAX_HISTORY_BYTES)
            for item in reports:
                yield item
            window_start = window_end + timedelta(days=1)

    def verify_callback(self, path: str, headers: Mapping[str, str],
                        raw_body: bytes, decoded: Any = None) -> CallbackNotice:
        return callbacks.verify(self._app_id, self._callback_secrets,
                                path or self._callback_path, headers, raw_body, decoded)
