"""The Enrollment aggregate: a student's access to one course.

pending_payment -> active -> revoked. Activation happens once, by one payment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from domain import events as ev
from domain.errors import DomainError, IllegalTransition, InvalidMoney
from domain.money import Money


class EnrollmentStatus(str, Enum):
    PENDING_PAYMENT = "pending_payment"
    ACTIVE = "active"
    REVOKED = "revoked"


# The statuses in which a student holds (or is buying) a course: one per course at most.
HOLDING = frozenset({EnrollmentStatus.PENDING_PAYMENT, EnrollmentStatus.ACTIVE})


class ActivationRefused(DomainError):
    """A payment succeeded for an enrollment that another payment (or a revert) closed."""

    code = "activation_refused"


@dataclass(eq=False, kw_only=True)
class Enrollment:
    id: str
    student_id: str
    course_id: str
    price: Money
    status: EnrollmentStatus
    created_at: datetime
    updated_at: datetime
    payment_id: str | None = None
    revoked_reason: str | None = None
    version: int = 0
    events: list[ev.DomainEvent] = field(default_factory=list, repr=False)

    @classmethod
    def create(cls, *, enrollment_id: str, student_id: str, course_id: str, price: Money,
               at: datetime, actor: str) -> Enrollment:
        if price.is_zero():
            raise InvalidMoney("a course sold through checkout must cost something")
        enrollment = cls(id=enrollment_id, student_id=student_id, course_id=course_id,
                         price=price, status=EnrollmentStatus.PENDING_PAYMENT,
                         created_at=at, updated_at=at)
        enrollment.events.append(ev.EnrollmentCreated(
            occurred_at=at, student_id=student_id, entity="enrollment",
            entity_id=enrollment_id, from_status=None, to_status="pending_payment",
            actor=actor, course_id=course_id))
        return enrollment

    @property
    def is_payable(self) -> bool:
        return self.status is EnrollmentStatus.PENDING_PAYMENT

    def activate(self, *, payment_id: str, at: datetime, actor: str) -> bool:
        """Unlock the course for this payment. True when it changed anything."""
        if self.status is EnrollmentStatus.ACTIVE and self.payment_id == payment_id:
            return False
        if self.status is not EnrollmentStatus.PENDING_PAYMENT:
            raise ActivationRefused(
                f"enrollment is {self.status.value}; payment {payment_id} cannot activate it")
        self.status, self.payment_id, self.updated_at = EnrollmentStatus.ACTIVE, payment_id, at
        self.events.append(ev.EnrollmentActivated(
            occurred_at=at, student_id=self.student_id, entity="enrollment",
            entity_id=self.id, from_status="pending_payment", to_status="active",
            actor=actor, course_id=self.course_id, payment_id=payment_id))
        return True

    def revoke(self, *, reason: str, at: datetime, actor: str) -> bool:
        """Take access away (full refund or an admin's revert). True when it changed."""
        if self.status is EnrollmentStatus.REVOKED:
            return False
        if self.status is not EnrollmentStatus.ACTIVE:
            raise IllegalTransition(f"cannot revoke a {self.status.value} enrollment")
        if not reason.strip():
            raise IllegalTransition("a revocation needs a reason", code="reason_required")
        self.status, self.revoked_reason, self.updated_at = EnrollmentStatus.REVOKED, reason, at
        self.events.append(ev.EnrollmentRevoked(
            occurred_at=at, student_id=self.student_id, entity="enrollment",
            entity_id=self.id, from_status="active", to_status="revoked", actor=actor,
            reason=reason, course_id=self.course_id))
        return True
