"""What one payment knows, and the moves every rule about it shares.

The Payment aggregate (domain/payment.py) is assembled from rule sets, each in its own
module: gateway results (payment_gateway_results.py), review resolution
(payment_review.py) and refunds (payment_refunds.py). They all read the same facts and
make the same few moves, kept here once: a status change with the event it emits, a
success, holding a payment for review and clearing the hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain import events as ev
from domain.errors import IllegalTransition
from domain.money import Money
from domain.payment_status import OPEN, PaymentStatus


@dataclass(eq=False, kw_only=True)
class PaymentState:
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
    captured_minor: int = 0
    recheck_at: datetime | None = None
    recheck_step: int = 0
    open_slot: int | None = None  # which of the student's open-checkout slots it holds
    version: int = 0
    events: list[ev.DomainEvent] = field(default_factory=list, repr=False)

    # -- derived facts -------------------------------------------------------------
    @property
    def refunded(self) -> Money:
        return Money(self.refunded_minor, self.amount.currency)

    @property
    def captured(self) -> Money:
        """What the gateway took for this payment (0 while nothing is known taken)."""
        return Money(self.captured_minor, self.amount.currency)

    @property
    def refundable(self) -> Money:
        ceiling = min(self.captured_minor, self.amount.amount_minor)  # never beyond the price
        left = ceiling - self.refunded_minor - self.reserved_minor
        return Money(max(left, 0), self.amount.currency)

    @property
    def is_held(self) -> bool:
        return self.review_reason is not None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    # -- moves the rule sets share -------------------------------------------------
    def _move(self, to: PaymentStatus, at: datetime) -> PaymentStatus:
        before = self.status
        self.status = to
        self.updated_at = at
        if to not in OPEN:
            self.open_slot = None  # a closed checkout frees its slot
        return before

    def _transition_fields(self, before: PaymentStatus | None, at: datetime, actor: str,
                           reason: str | None = None) -> dict[str, object]:
        return dict(occurred_at=at, student_id=self.student_id, entity="payment",
                    entity_id=self.id, from_status=before.value if before else None,
                    to_status=self.status.value, actor=actor, reason=reason,
                    enrollment_id=self.enrollment_id)

    def _succeed(self, at: datetime, actor: str, reason: str | None = None) -> None:
        self.captured_minor = self.captured_minor or self.amount.amount_minor
        self.recheck_at = None
        before = self._move(PaymentStatus.SUCCEEDED, at)
        self.events.append(ev.PaymentSucceeded(
            **self._transition_fields(before, at, actor, reason),  # type: ignore[arg-type]
            amount_minor=self.captured_minor, currency=self.amount.currency))

    def flag_for_review(self, reason: str, *, at: datetime) -> None:
        """Stop all automatic fulfilment of this payment until an admin resolves it."""
        if self.review_reason is not None:
            return
        self.review_reason = reason
        self.updated_at = at
        self.events.append(ev.PaymentFlaggedForReview(
            occurred_at=at, student_id=self.student_id, payment_id=self.id,
            enrollment_id=self.enrollment_id, review_reason=reason))

    def _require_held(self) -> str:
        if self.review_reason is None:
            raise IllegalTransition("this payment is not held for review")
        return self.review_reason

    def _resolved(self, action: str, at: datetime, actor: str, reason: str) -> None:
        held = self._require_held()
        self.review_reason = None
        self.updated_at = at
        self.events.append(ev.PaymentReviewResolved(
            occurred_at=at, student_id=self.student_id, payment_id=self.id,
            enrollment_id=self.enrollment_id, action=action, held_for=held, actor=actor,
            reason=reason, status=self.status.value))
