"""Wire types for refunds, rollback, gateway history and reconciliation (msgspec)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from application.reconciliation.report import ReconciliationReport
from domain.gateway_report import GatewayReport
from domain.refund import Refund
from entrypoints.http.request_body import RequestBody
from entrypoints.http.schemas import MoneyOut

Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class CreateRefundBody(RequestBody):
    reason: Reason
    amount: Annotated[int, msgspec.Meta(
        gt=0, description="integer minor units of the payment's currency; default: the rest"
    )] | None = None


class ConfirmRefundBody(RequestBody):
    gateway_reference: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class CancelRefundBody(RequestBody):
    reason: Reason


class RevertBody(RequestBody):
    reason: Reason


class GatewayModeBody(RequestBody):
    mode: Annotated[str, msgspec.Meta(description="test or live")]


class GatewayModeOut(msgspec.Struct, frozen=True, kw_only=True):
    mode: str


class RefundOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    payment_id: str
    amount: MoneyOut
    reason: str
    status: str
    gateway_reference: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, r: Refund) -> RefundOut:
        return cls(id=r.id, payment_id=r.payment_id, amount=MoneyOut.of(r.amount),
                   reason=r.reason, status=r.status.value,
                   gateway_reference=r.gateway_reference, created_at=r.created_at,
                   updated_at=r.updated_at)


class GatewayTransactionOut(msgspec.Struct, frozen=True, kw_only=True):
    paylink_id: str
    status: str
    external_transaction_id: str | None
    amount: MoneyOut | None

    @classmethod
    def of(cls, r: GatewayReport) -> GatewayTransactionOut:
        return cls(paylink_id=r.paylink_id, status=r.status.value,
                   external_transaction_id=r.external_transaction_id,
                   amount=MoneyOut.of(r.amount) if r.amount is not None else None)


class GatewayTransactions(msgspec.Struct, frozen=True, kw_only=True):
    items: list[GatewayTransactionOut]


class ReconcileBody(RequestBody):
    start: date = msgspec.field(name="from")
    end: date = msgspec.field(name="to")
    apply: bool = False


class ReconciliationOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    created_at: datetime
    actor: str
    period_from: date
    period_to: date
    applied: bool
    counts: dict[str, int]
    examples: dict[str, list[str]]
    repaired: list[str]
    repaired_count: int
    flagged: list[str]
    flagged_count: int

    @classmethod
    def of(cls, r: ReconciliationReport) -> ReconciliationOut:
        """The report's own fields, read off the dataclass by msgspec."""
        return msgspec.convert(r, cls, from_attributes=True)


class ReconciliationPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[ReconciliationOut]
    next_cursor: str | None
