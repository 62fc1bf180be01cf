"""The Payment aggregate: a state machine that owns every rule about one checkout.

created -> pending -> succeeded | failed | cancelled | expired
succeeded -> partially_refunded -> refunded

Terminal states are left only through refunds. A repeated legal transition (the same
webhook twice) is a no-op. A gateway report that contradicts a final state is an
anomaly: recorded as an event, never applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from domain import events as ev
from domain.errors import IllegalTransition, InvalidMoney, NotRefundable, RefundExceedsCapture
from domain.gateway_report import GatewayReport, GatewayStatus
from domain.money import Money


class PaymentStatus(str, Enum):
    CREATED = "created"
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


OPEN = frozenset({PaymentStatus.CREATED, PaymentStatus.PENDING})
CLOSED_UNPAID = frozenset({PaymentStatus.FAILED, PaymentStatus.CANCELLED, PaymentStatus.EXPIRED})
CAPTURED = frozenset(
    {PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}
)
_UNPAID_OUTCOME = {
    GatewayStatus.FAILURE: PaymentStatus.FAILED,
    GatewayStatus.CANCELLED: PaymentStatus.CANCELLED,
    GatewayStatus.EXPIRED: PaymentStatus.EXPIRED,
}


class ApplyOutcome(str, Enum):
    """What applying one gateway report did."""

    CHANGED = "changed"
    UNCHANGED = "unchanged"
    FLAGGED = "flagged"
    ANOMALY = "anomaly"
    HELD_FOR_REVIEW = "held_for_review"


@dataclass(eq=False, kw_only=True)
class Payment:
    id: str
    enrollment_id: str
    student_id: str
    amount: Money
    status: PaymentStatus
    created_at: datetime
    updated_at: datetime
    idempotency_key: str | None = None
    paylink_id: str | None = None
    checkout_url: str | None = None
    expires_at: datetime | None = None
    refunded_minor: int = 0
    reserved_minor: int = 0
    review_reason: str | None = None
    failure_code: str | None = None
    version: int = 0
    events: list[ev.DomainEvent] = field(default_factory=list, repr=False)

    @classmethod
    def create(
        cls, *, payment_id: str, enrollment_id: str, student_id: str, amount: Money,
        at: datetime, actor: str, idempotency_key: str | None = None,
    ) -> Payment:
        if amount.is_zero():
            raise InvalidMoney("a payment must be for more than nothing")
        payment = cls(
            id=payment_id, enrollment_id=enrollment_id, student_id=student_id, amount=amount,
            status=PaymentStatus.CREATED, created_at=at, updated_at=at,
            idempotency_key=idempotency_key,
        )
        payment.events.append(ev.PaymentCreated(
            occurred_at=at, student_id=student_id, entity="payment", entity_id=payment_id,
            from_status=None, to_status="created", actor=actor, enrollment_id=enrollment_id,
            amount_minor=amount.amount_minor, currency=amount.currency,
        ))
        return payment

    # -- derived facts -------------------------------------------------------------
    @property
    def refunded(self) -> Money:
        return Money(self.refunded_minor, self.amount.currency)

    @property
    def refundable(self) -> Money:
        if self.status not in CAPTURED:
            return Money.zero(self.amount.currency)
        return Money(self.amount.amount_minor - self.refunded_minor - self.reserved_minor,
                     self.amount.currency)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def _move(self, to: PaymentStatus, at: datetime) -> PaymentStatus:
        before = self.status
        self.status = to
        self.updated_at = at
        return before

    def _transition_fields(self, before: PaymentStatus | None, at: datetime, actor: str,
                           reason: str | None = None) -> dict[str, object]:
        return dict(occurred_at=at, student_id=self.student_id, entity="payment",
                    entity_id=self.id, from_status=before.value if before else None,
                    to_status=self.status.value, actor=actor, reason=reason,
                    enrollment_id=self.enrollment_id)

    # -- starting checkout --------------------------------------------------------
    def attach_paylink(self, *, paylink_id: str, checkout_url: str, expires_at: datetime,
                       at: datetime, actor: str) -> None:
        """The gateway issued a paylink: the student can now pay."""
        if self.status is PaymentStatus.PENDING and self.paylink_id == paylink_id:
            return
        if self.status is not PaymentStatus.CREATED:
            raise IllegalTransition(f"cannot start checkout of a {self.status.value} payment")
        self.paylink_id, self.checkout_url, self.expires_at = paylink_id, checkout_url, expires_at
        before = self._move(PaymentStatus.PENDING, at)
        self.events.append(ev.PaymentStarted(
            **self._transition_fields(before, at, actor), paylink_id=paylink_id))  # type: ignore[arg-type]

    def fail_to_start(self, *, code: str, at: datetime, actor: str) -> None:
        """The gateway refused to issue a paylink for a reason retrying will not fix."""
        if self.status is PaymentStatus.FAILED:
            return
        if self.status is not PaymentStatus.CREATED:
            raise IllegalTransition(f"cannot fail the start of a {self.status.value} payment")
        self.failure_code = code
        before = self._move(PaymentStatus.FAILED, at)
        self.events.append(ev.PaymentFailed(**self._transition_fields(before, at, actor, code)))  # type: ignore[arg-type]

    def expire(self, *, at: datetime, actor: str) -> bool:
        """The paylink outlived its lifetime without a final answer."""
        if self.status is PaymentStatus.EXPIRED:
            return False
        if not self.is_open:
            raise IllegalTransition(f"cannot expire a {self.status.value} payment")
        before = self._move(PaymentStatus.EXPIRED, at)
        self.events.append(ev.PaymentExpired(**self._transition_fields(before, at, actor)))  # type: ignore[arg-type]
        return True

    # -- gateway results ----------------------------------------------------------
    def disagreement_with(self, report: GatewayReport) -> str | None:
        """Why the gateway's facts do not match ours, or None when they agree."""
        if self.paylink_id is None or report.paylink_id != self.paylink_id:
            return "paylink_mismatch"
        if report.external_transaction_id not in (None, self.id):
            return "transaction_id_mismatch"
        if report.amount is not None:
            if report.amount.currency != self.amount.currency:
                return "currency_mismatch"
            if report.amount.amount_minor != self.amount.amount_minor:
                return "amount_mismatch"
        return None

    def flag_for_review(self, reason: str, *, at: datetime) -> None:
        """Stop all automatic fulfilment of this payment until an admin resolves it."""
        if self.review_reason is not None:
            return
        self.review_reason = reason
        self.updated_at = at
        self.events.append(ev.PaymentFlaggedForReview(
            occurred_at=at, student_id=self.student_id, payment_id=self.id,
            enrollment_id=self.enrollment_id, review_reason=reason))

    def apply_gateway_report(self, report: GatewayReport, *, at: datetime,
                             actor: str) -> ApplyOutcome:
        """Apply what the gateway confirmed. The one path for callbacks, verify and checks."""
        if self.review_reason is not None:
            return ApplyOutcome.HELD_FOR_REVIEW
        disagreement = self.disagreement_with(report)
        if disagreement is not None:
            self.flag_for_review(disagreement, at=at)
            return ApplyOutcome.FLAGGED
        if report.status is GatewayStatus.PENDING:
            return ApplyOutcome.UNCHANGED
        if report.status is GatewayStatus.SUCCESS:
            return self._apply_success(at, actor)
        return self._apply_unpaid(_UNPAID_OUTCOME[report.status], report.failure_code, at, actor)

    def _apply_success(self, at: datetime, actor: str) -> ApplyOutcome:
        if self.status in CAPTURED:
            return ApplyOutcome.UNCHANGED
        if self.status in CLOSED_UNPAID:
            self._anomaly(GatewayStatus.SUCCESS, at)
            self.flag_for_review(f"paid_after_{self.status.value}", at=at)
            return ApplyOutcome.ANOMALY
        if self.status is not PaymentStatus.PENDING:
            raise IllegalTransition(f"cannot succeed a {self.status.value} payment")
        before = self._move(PaymentStatus.SUCCEEDED, at)
        self.events.append(ev.PaymentSucceeded(
            **self._transition_fields(before, at, actor),  # type: ignore[arg-type]
            amount_minor=self.amount.amount_minor, currency=self.amount.currency))
        return ApplyOutcome.CHANGED

    def _apply_unpaid(self, to: PaymentStatus, code: str | None, at: datetime,
                      actor: str) -> ApplyOutcome:
        if self.status is to:
            return ApplyOutcome.UNCHANGED
        if self.status is not PaymentStatus.PENDING:
            self._anomaly(GatewayStatus.FAILURE if to is PaymentStatus.FAILED
                          else GatewayStatus(to.value.upper()), at)
            return ApplyOutcome.ANOMALY
        self.failure_code = code
        before = self._move(to, at)
        event_type = {PaymentStatus.FAILED: ev.PaymentFailed,
                      PaymentStatus.CANCELLED: ev.PaymentCancelled,
                      PaymentStatus.EXPIRED: ev.PaymentExpired}[to]
        self.events.append(event_type(**self._transition_fields(before, at, actor, code)))  # type: ignore[arg-type]
        return ApplyOutcome.CHANGED

    def _anomaly(self, reported: GatewayStatus, at: datetime) -> None:
        self.events.append(ev.PaymentAnomalyDetected(
            occurred_at=at, student_id=self.student_id, payment_id=self.id,
            enrollment_id=self.enrollment_id, reported_status=reported.value,
            current_status=self.status.value))

    # -- refunds ------------------------------------------------------------------
    def reserve_refund(self, amount: Money) -> None:
        """Hold `amount` for a refund in flight; nothing beyond the capture can be held."""
        if self.status not in CAPTURED:
            raise NotRefundable(f"a {self.status.value} payment has nothing to refund")
        if amount.currency != self.amount.currency:
            raise RefundExceedsCapture("a refund is paid in the payment's currency",
                                       code="currency_mismatch")
        if amount.is_zero():
            raise InvalidMoney("a refund must be for more than nothing")
        if self.refundable < amount:
            raise RefundExceedsCapture(
                f"only {self.refundable} of this payment can still be refunded")
        self.reserved_minor += amount.amount_minor

    def release_refund(self, amount: Money) -> None:
        """A held refund failed: its amount becomes refundable again."""
        if amount.amount_minor > self.reserved_minor:
            raise IllegalTransition("cannot release more than is reserved")
        self.reserved_minor -= amount.amount_minor

    def complete_refund(self, amount: Money, *, at: datetime, actor: str,
                        reason: str | None = None) -> None:
        """A held refund reached the student: it now counts against the capture."""
        if amount.amount_minor > self.reserved_minor:
            raise IllegalTransition("cannot complete a refund that was not reserved")
        self.reserved_minor -= amount.amount_minor
        self.refunded_minor += amount.amount_minor
        full = self.refunded_minor == self.amount.amount_minor
        to = PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED
        before = self._move(to, at)
        self.events.append(ev.PaymentRefunded(
            **self._transition_fields(before, at, actor, reason),  # type: ignore[arg-type]
            refunded_minor=amount.amount_minor, currency=amount.currency))
