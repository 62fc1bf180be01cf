"""Wire types for refunds, rollback, gateway history and reconciliation (msgspec)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from application.reconciliation.report import ReconciliationReport
from domain.gateway_report import GatewayReport
from domain.refund import Refund
from entrypoints.http.schemas import MoneyOut

Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class CreateRefundBody(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason
    amount: Annotated[int, msgspec.Meta(
        gt=0, description="integer minor units of the payment's currency; default: the rest"
    )] | None = None


class ConfirmRefundBody(msgspec.Struct, forbid_unknown_fields=True):
    gateway_reference: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class CancelRefundBody(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason


class RevertBody(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason


class GatewayModeBody(msgspec.Struct, forbid_unknown_fields=True):
    mode: Annotated[str, msgspec.Meta(description="test or live")]


class GatewayModeOut(msgspec.Struct):
    mode: str


class RefundOut(msgspec.Struct):
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
        return cls(r.id, r.payment_id, MoneyOut.of(r.amount), r.reason, r.status.value,
                   r.gateway_reference, r.created_at, r.updated_at)


class GatewayTransactionOut(msgspec.Struct):
    paylink_id: str
    status: str
    external_transaction_id: str | None
    amount: MoneyOut | None

    @classmethod
    def of(cls, r: GatewayReport) -> GatewayTransactionOut:
        return cls(r.paylink_id, r.status.value, r.external_transaction_id,
                   MoneyOut.of(r.amount) if r.amount is not None else None)


class GatewayTransactions(msgspec.Struct):
    items: list[GatewayTransactionOut]


class ReconcileBody(msgspec.Struct, forbid_unknown_fields=True):
    start: date = msgspec.field(name="from")
    end: date = msgspec.field(name="to")
    apply: bool = False


class ReconciliationOut(msgspec.Struct):
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
        return cls(r.id, r.created_at, r.actor, r.period_from, r.period_to, r.applied,
                   r.counts, r.examples, r.repaired, r.repaired_count, r.flagged,
                   r.flagged_count)


class ReconciliationPage(msgspec.Struct):
    items: list[ReconciliationOut]
    next_cursor: str | None
