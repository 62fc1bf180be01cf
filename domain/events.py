"""Domain events: immutable facts recorded by entities, published after commit.

Every `Transitioned` event is one state change and becomes exactly one audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainEvent:
    occurred_at: datetime
    student_id: str

    @property
    def name(self) -> str:
        return type(self).__name__


@dataclass(frozen=True, slots=True, kw_only=True)
class Transitioned(DomainEvent):
    """A state change of one entity, as the audit trail records it."""

    entity: str
    entity_id: str
    from_status: str | None
    to_status: str
    actor: str
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentCreated(Transitioned):
    enrollment_id: str
    amount_minor: int
    currency: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentStarted(Transitioned):
    enrollment_id: str
    paylink_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentSucceeded(Transitioned):
    enrollment_id: str
    amount_minor: int
    currency: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentFailed(Transitioned):
    enrollment_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentCancelled(Transitioned):
    enrollment_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentExpired(Transitioned):
    enrollment_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentRefunded(Transitioned):
    """Money went back; `to_status` says whether in part or in full."""

    enrollment_id: str
    refunded_minor: int
    currency: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentFlaggedForReview(DomainEvent):
    payment_id: str
    enrollment_id: str
    review_reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentReviewResolved(DomainEvent):
    """An admin (or a full refund) resolved a held payment: `action` is `accepted`,
    `rejected`, `reverified` or `refunded`; `held_for` is the review reason it cleared."""

    payment_id: str
    enrollment_id: str
    action: str
    held_for: str
    actor: str
    reason: str
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentAnomalyDetected(DomainEvent):
    """The gateway said something that contradicts a final state; recorded, not applied."""

    payment_id: str
    enrollment_id: str
    reported_status: str
    current_status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EnrollmentCreated(Transitioned):
    course_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EnrollmentActivated(Transitioned):
    course_id: str
    payment_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EnrollmentRevoked(Transitioned):
    course_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundRequested(Transitioned):
    payment_id: str
    amount_minor: int
    currency: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundIssued(Transitioned):
    payment_id: str
    amount_minor: int
    currency: str
    gateway_reference: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundNeedsManualAction(Transitioned):
    """The gateway cannot refund by API: an operator refunds in its dashboard, then confirms."""

    payment_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundFailed(Transitioned):
    payment_id: str
