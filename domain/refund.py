"""The Refund aggregate: money going back to a student for one payment.

pending -> succeeded | failed | manual_action_required; manual_action_required ->
succeeded | failed. Only a succeeded refund counts against the capture; a pending or
manual one reserves its amount on the payment so no two refunds can oversell it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from domain import events as ev
from domain.errors import IllegalTransition, InvalidMoney
from domain.money import Money


class RefundStatus(str, Enum):
    PENDING = "pending"
    MANUAL_ACTION_REQUIRED = "manual_action_required"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


_IN_FLIGHT = frozenset({RefundStatus.PENDING, RefundStatus.MANUAL_ACTION_REQUIRED})


@dataclass(eq=False, kw_only=True)
class Refund:
    id: str
    payment_id: str
    student_id: str
    amount: Money
    reason: str
    status: RefundStatus
    created_at: datetime
    updated_at: datetime
    gateway_reference: str | None = None
    version: int = 0
    events: list[ev.DomainEvent] = field(default_factory=list, repr=False)

    @classmethod
    def request(cls, *, refund_id: str, payment_id: str, student_id: str, amount: Money,
                reason: str, at: datetime, actor: str) -> Refund:
        if amount.is_zero():
            raise InvalidMoney("a refund must be for more than nothing")
        if not reason.strip():
            raise IllegalTransition("a refund needs a reason", code="reason_required")
        refund = cls(id=refund_id, payment_id=payment_id, student_id=student_id, amount=amount,
                     reason=reason, status=RefundStatus.PENDING, created_at=at, updated_at=at)
        refund.events.append(ev.RefundRequested(
            occurred_at=at, student_id=student_id, entity="refund", entity_id=refund_id,
            from_status=None, to_status="pending", actor=actor, reason=reason,
            payment_id=payment_id, amount_minor=amount.amount_minor, currency=amount.currency))
        return refund

    @property
    def in_flight(self) -> bool:
        return self.status in _IN_FLIGHT

    def _move(self, to: RefundStatus, at: datetime) -> str:
        before = self.status.value
        self.status, self.updated_at = to, at
        return before

    def require_manual_action(self, *, at: datetime, actor: str) -> None:
        """The gateway cannot refund by API: an operator must do it in its dashboard."""
        if self.status is RefundStatus.MANUAL_ACTION_REQUIRED:
            return
        if self.status is not RefundStatus.PENDING:
            raise IllegalTransition(f"a {self.status.value} refund needs no manual action")
        before = self._move(RefundStatus.MANUAL_ACTION_REQUIRED, at)
        self.events.append(ev.RefundNeedsManualAction(
            occurred_at=at, student_id=self.student_id, entity="refund", entity_id=self.id,
            from_status=before, to_status=self.status.value, actor=actor,
            payment_id=self.payment_id))

    def succeed(self, *, gateway_reference: str, at: datetime, actor: str) -> bool:
        """The money reached the student. True when this call changed anything."""
        if self.status is RefundStatus.SUCCEEDED:
            return False
        if not self.in_flight:
            raise IllegalTransition(f"a {self.status.value} refund cannot succeed")
        if not gateway_reference.strip():
            raise IllegalTransition("a refund needs the gateway's reference",
                                    code="gateway_reference_required")
        self.gateway_reference = gateway_reference
        before = self._move(RefundStatus.SUCCEEDED, at)
        self.events.append(ev.RefundIssued(
            occurred_at=at, student_id=self.student_id, entity="refund", entity_id=self.id,
            from_status=before, to_status="succeeded", actor=actor, payment_id=self.payment_id,
            amount_minor=self.amount.amount_minor, currency=self.amount.currency,
            gateway_reference=gateway_reference))
        return True

    def fail(self, *, reason: str, at: datetime, actor: str) -> bool:
        if self.status is RefundStatus.FAILED:
            return False
        if not self.in_flight:
            raise IllegalTransition(f"a {self.status.value} refund cannot fail")
        before = self._move(RefundStatus.FAILED, at)
        self.events.append(ev.RefundFailed(
            occurred_at=at, student_id=self.student_id, entity="refund", entity_id=self.id,
            from_status=before, to_status="failed", actor=actor, reason=reason,
            payment_id=self.payment_id))
        return True
