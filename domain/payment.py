"""The Payment aggregate: a state machine that owns every rule about one checkout.

created -> pending -> succeeded | failed | cancelled | expired
succeeded -> partially_refunded -> refunded

Terminal states are left only through refunds and an admin's review resolution. This
module starts a checkout and ends one that never got going; the other rules live
beside it, one module per responsibility, and Payment is all of them together:
- payment_status.py: the statuses, their groups (`OPEN`, `CAPTURED`, ...), ApplyOutcome;
- payment_state.py: the facts a payment carries and the moves every rule shares;
- payment_gateway_results.py: applying what the gateway reports (callbacks, verify, the
  checker), the amount and reference checks, re-checking on lag;
- payment_review.py: an admin's resolution of a payment held for review;
- payment_refunds.py: refunds reserved, released and completed against the capture.

The status names are importable from here too, since nearly every reader of a payment
needs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain import events as ev
from domain.errors import IllegalTransition, InvalidMoney
from domain.money import Money
from domain.payment_refunds import PaymentRefunds
from domain.payment_review import PaymentReview
from domain.payment_status import CAPTURED, CLOSED_UNPAID, OPEN, ApplyOutcome, PaymentStatus

__all__ = ["CAPTURED", "CLOSED_UNPAID", "OPEN", "ApplyOutcome", "Payment", "PaymentStatus"]


@dataclass(eq=False, kw_only=True)
class Payment(PaymentReview, PaymentRefunds):
    """One checkout's payment: its facts (PaymentState) and every rule set above."""

    @classmethod
    def create(
        cls, *, payment_id: str, enrollment_id: str, student_id: str, amount: Money,
        at: datetime, actor: str, idempotency_key: str | None = None,
        open_slot: int | None = None,
    ) -> Payment:
        if amount.is_zero():
            raise InvalidMoney("a payment must be for more than nothing")
        payment = cls(
            id=payment_id, enrollment_id=enrollment_id, student_id=student_id, amount=amount,
            status=PaymentStatus.CREATED, created_at=at, updated_at=at,
            idempotency_key=idempotency_key, open_slot=open_slot,
        )
        payment.events.append(ev.PaymentCreated(
            occurred_at=at, student_id=student_id, entity="payment", entity_id=payment_id,
            from_status=None, to_status="created", actor=actor, enrollment_id=enrollment_id,
            amount_minor=amount.amount_minor, currency=amount.currency,
        ))
        return payment

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
