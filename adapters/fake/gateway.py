"""A fake payment gateway that records state, so tests assert on what happened.

Outcomes are set per paylink (`settle`) or for every new paylink (`auto_outcome`);
failures are queued per call name (`fail_next`); a transport failure queued there (an
OSError or TimeoutError) leaves classified, as from the iK Pay adapter. Callbacks are
JSON signed with HMAC-SHA256 over the raw body in `ik-sign`, like the real one but
without its quirks.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from adapters.ikhokha.failures import from_exception
from application.ports import (
    CallbackNotice,
    Clock,
    Paylink,
    PaylinkRequest,
    RefundMode,
    RefundResult,
)
from domain.classification import ClassifiedFailure
from domain.gateway_report import GatewayReport, GatewayStatus
from domain.money import Money

PAYLINK_LIFETIME = timedelta(hours=24)


@dataclass
class FakePaylink:
    request: PaylinkRequest
    status: GatewayStatus
    created_at_day: date
    reported_amount: Money | None = None
    failure_code: str | None = None
    amount_known: bool = True  # False: answers carry no amount, as a gateway might

    def amount(self) -> Money | None:
        return (self.reported_amount or self.request.amount) if self.amount_known else None


class FakeGateway:
    def __init__(self, clock: Clock, *, checkout_base_url: str = "http://fake.invalid/pay",
                 callback_secret: str = "fake-callback-secret",
                 auto_outcome: GatewayStatus | None = None, can_refund: bool = True) -> None:
        self._clock = clock
        self._base = checkout_base_url.rstrip("/")
        self._secret = callback_secret.encode()
        self.auto_outcome = auto_outcome
        self.can_refund = can_refund
        self.paylinks: dict[str, FakePaylink] = {}
        self.refunds: list[tuple[str, Money, str]] = []
        self.calls: list[str] = []
        self._failures: dict[str, deque[BaseException]] = defaultdict(deque)
        self._by_payment: dict[str, str] = {}

    # -- test controls ---------------------------------------------------------------
    def fail_next(self, call: str, failure: BaseException, times: int = 1) -> None:
        self._failures[call].extend([failure] * times)

    def clear_failures(self) -> None:
        """The gateway answers again: forget every failure queued by `fail_next`."""
        self._failures.clear()

    def settle(self, paylink_id: str, status: GatewayStatus,
               reported_amount: Money | None = None, failure_code: str | None = None,
               amount_known: bool = True) -> None:
        """Decide what the gateway answers about a paylink from now on: its status, an
        amount other than the one asked for, or no amount at all."""
        link = self.paylinks[paylink_id]
        link.status, link.failure_code, link.amount_known = status, failure_code, amount_known
        if reported_amount is not None:
            link.reported_amount = reported_amount

    def paylink_for(self, payment_id: str) -> str | None:
        return self._by_payment.get(payment_id)

    def signed_callback(self, paylink_id: str, status: str | None = None,
                        external_transaction_id: str | None = None) -> tuple[bytes, dict[str, str]]:
        link = self.paylinks.get(paylink_id)
        body = json.dumps({
            "paylinkID": paylink_id,
            "status": status or (link.status.value if link else "SUCCESS"),
            "externalTransactionID": external_transaction_id
            or (link.request.payment_id if link else ""),
            "responseCode": "00",
        }, separators=(",", ":")).encode()
        return body, {"ik-sign": self._sign(body)}

    def _sign(self, body: bytes) -> str:
        return hmac.new(self._secret, body, hashlib.sha256).hexdigest()

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if self._failures[name]:
            failure = self._failures[name].popleft()
            if isinstance(failure, (OSError, TimeoutError)):
                # A transport failure leaves as the real adapter reports it: classified.
                raise from_exception(failure) from failure
            raise failure

    # -- the port ----------------------------------------------------------------------
    async def create_paylink(self, request: PaylinkRequest) -> Paylink:
        self._call("create_paylink")
        existing = self._by_payment.get(request.payment_id)
        if existing is None:
            existing = f"fk{len(self.paylinks) + 1:013d}"
            status = self.auto_outcome or GatewayStatus.PENDING
            self.paylinks[existing] = FakePaylink(request, status, self._clock.now().date())
            self._by_payment[request.payment_id] = existing
        return Paylink(existing, f"{self._base}/{existing}", self._clock.now() + PAYLINK_LIFETIME)

    async def get_status(self, paylink_id: str) -> GatewayReport | None:
        self._call("get_status")
        link = self.paylinks.get(paylink_id)
        if link is None:
            return None
        return GatewayReport(paylink_id=paylink_id, status=link.status,
                             external_transaction_id=link.request.payment_id,
                             amount=link.amount(), failure_code=link.failure_code)

    async def refund(self, *, paylink_id: str, payment_id: str, amount: Money, reason: str,
                     refund_id: str) -> RefundResult:
        self._call("refund")
        if not self.can_refund:
            return RefundResult(RefundMode.MANUAL_ACTION_REQUIRED)
        self.refunds.append((paylink_id, amount, refund_id))
        return RefundResult(RefundMode.COMPLETED, f"fkr-{refund_id}")

    async def history(self, start: date, end: date) -> AsyncIterator[GatewayReport]:
        self._call("history")
        for paylink_id, link in list(self.paylinks.items()):
            if start <= link.created_at_day <= end:
                yield GatewayReport(paylink_id=paylink_id, status=link.status,
                                    external_transaction_id=link.request.payment_id,
                                    amount=link.amount())

    def verify_callback(self, path: str, headers: Mapping[str, str],
                        raw_body: bytes, decoded: Any = None) -> CallbackNotice:
        signature = {k.lower(): v for k, v in headers.items()}.get("ik-sign", "")
        if not hmac.compare_digest(signature, self._sign(raw_body)):
            raise ClassifiedFailure("invalid_signature", "callback signature does not match")
        try:
            data = json.loads(raw_body) if decoded is None else decoded
            paylink_id, status = str(data["paylinkID"]), str(data["status"]).upper()
        except (ValueError, KeyError, TypeError):
            raise ClassifiedFailure("invalid_request", "callback body is not understood") from None
        known = status if status in GatewayStatus.__members__ else "PENDING"
        digest = hashlib.sha256(raw_body).hexdigest()[:32]
        return CallbackNotice(paylink_id=paylink_id, status=GatewayStatus(known),
                              external_transaction_id=data.get("externalTransactionID"),
                              dedupe_key=f"{paylink_id}:{known}:{digest}")
