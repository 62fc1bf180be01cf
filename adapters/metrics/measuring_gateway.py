"""A PaymentGateway decorator that times every call, counts its outcome and writes a
durable record of it for the stats, without ever failing the payment path."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from application.ports import (
    CallbackNotice,
    Clock,
    GatewayCall,
    GatewayCallLog,
    Metrics,
    Paylink,
    PaylinkRequest,
    PaymentGateway,
    RefundResult,
)
from domain.classification import classify
from domain.gateway_report import GatewayReport
from domain.money import Money

log = logging.getLogger("adapters.metrics")
T = TypeVar("T")


class MeasuringGateway:
    def __init__(self, inner: PaymentGateway, metrics: Metrics, calls: GatewayCallLog,
                 clock: Clock, monotonic: Callable[[], float] = time.perf_counter) -> None:
        self.inner = inner
        self._metrics, self._calls, self._clock, self._monotonic = (
            metrics, calls, clock, monotonic)

    async def _measure(self, endpoint: str, call: Awaitable[T]) -> T:
        started = self._monotonic()
        try:
            result = await call
        except Exception as failure:
            await self._note(endpoint, classify(failure).code, started)
            raise
        await self._note(endpoint, "ok", started)
        return result

    async def _note(self, endpoint: str, outcome: str, started: float) -> None:
        seconds = max(0.0, self._monotonic() - started)
        self._metrics.gateway_call(endpoint, outcome, seconds)
        try:
            await self._calls.record(GatewayCall(endpoint, outcome, round(seconds * 1000),
                                                 self._clock.now()))
        except Exception as failure:  # noqa: BLE001 - a lost record must not fail a payment
            log.warning("gateway call record lost: %s", type(failure).__name__)

    async def create_paylink(self, request: PaylinkRequest) -> Paylink:
        return await self._measure("create_paylink", self.inner.create_paylink(request))

    async def get_status(self, paylink_id: str) -> GatewayReport | None:
        return await self._measure("get_status", self.inner.get_status(paylink_id))

    async def refund(self, *, paylink_id: str, payment_id: str, amount: Money, reason: str,
                     refund_id: str) -> RefundResult:
        return await self._measure("refund", self.inner.refund(
            paylink_id=paylink_id, payment_id=payment_id, amount=amount, reason=reason,
            refund_id=refund_id))

    async def history(self, start: date, end: date) -> AsyncIterator[GatewayReport]:
        """Timed over the whole range: one call, however many pages it takes."""
        started, outcome = self._monotonic(), "ok"
        try:
            async for report in self.inner.history(start, end):
                yield report
        except Exception as failure:
            outcome = classify(failure).code
            raise
        finally:
            await self._note("history", outcome, started)

    def verify_callback(self, path: str, headers: Mapping[str, str],
                        raw_body: bytes, decoded: Any = None) -> CallbackNotice:
        return self.inner.verify_callback(path, headers, raw_body, decoded)

    def __getattr__(self, name: str) -> Any:
        """Adapter extras (`aclose`, `breaker`, a fake's `settle`) pass straight through."""
        return getattr(self.inner, name)
