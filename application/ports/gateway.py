"""Port: the card/EFT payment gateway (iKhokha iK Pay in production, a fake in tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import date
from typing import Any, Protocol, runtime_checkable

from application.ports.gateway_types import (
    CallbackNotice,
    Paylink,
    PaylinkRequest,
    RefundResult,
)
from domain.gateway_report import GatewayReport
from domain.money import Money


@runtime_checkable
class PaymentGateway(Protocol):
    """A card/EFT gateway.

    Contract: every failure is raised as a `ClassifiedFailure` (domain/classification)
    carrying a catalogue code — transport failures, timeouts and unexpected answers
    included — so callers never see a driver's exception. `create_paylink` is idempotent
    per `request.payment_id` (sent as the externalTransactionID: a retry never makes a
    second paylink), `refund` per `refund_id`. `get_status` and `history` only read.
    Retries inside the adapter stay within its configured deadline. Nothing here writes
    to our storage.
    """

    async def create_paylink(self, request: PaylinkRequest) -> Paylink: ...

    async def get_status(self, paylink_id: str) -> GatewayReport | None:
        """What the gateway knows now; None when it does not know the paylink."""
        ...

    async def refund(self, *, paylink_id: str, payment_id: str, amount: Money,
                     reason: str, refund_id: str) -> RefundResult: ...

    def history(self, start: date, end: date) -> AsyncIterator[GatewayReport]:
        """Every transaction the gateway reports for the inclusive date range."""
        ...

    def verify_callback(self, path: str, headers: Mapping[str, str],
                        raw_body: bytes, decoded: Any = None) -> CallbackNotice:
        """Check the callback's origin over the raw bytes (no I/O); raise
        ClassifiedFailure('invalid_signature') when it is not the gateway's.

        `decoded` is the body's JSON value when the caller has already parsed these
        bytes (the HTTP entrypoint has), so they are not parsed again; None: parse here."""
        ...
