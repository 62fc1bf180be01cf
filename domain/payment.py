"""The Payment aggregate: a state machine that owns every rule about one checkout.

created -> pending -> succeeded | failed | cancelled | expired
succeeded -> partially_refunded -> refunded

Terminal states are left only through refunds and an admin's review resolution. A
repeated legal transition (the same webhook twice) is a no-op. A gateway report that
contradicts a final state is an anomaly: recorded as an event, never applied.

Three rules keep a student's money and access right against the real gateway:
- a confirmation must carry the amount: a SUCCESS without one is re-checked soon and,
  after the checker's tries, held for review (`amount_unconfirmed`);
- lag is not fraud: a gateway still PENDING after a final callback is re-checked on a
  fast schedule (`RECHECK_DELAYS`), never held for review;
- money the gateway took where we did not expect it (paid after we closed the payment,
  or held for review) is recorded in `captured_minor`, so an admin can refund or accept
  it; it is never stuck.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
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
# After a final callback the status call may lag behind: ask again after these delays,
# then leave the payment to the checker's usual (slower) schedule.
RECHECK_DELAYS = (timedelta(seconds=5), timedelta(seconds=15), timedelta(seconds=45))
AMOUNT_UNCONFIRMED = "amount_unconfirmed"
# Real disagreements between the gateway's facts and ours. Only these hold a payment
# open for review; anything else that holds one is about money already captured.
# (`callback_unconfirmed` was set on lag by earlier versions; re-verifying clears it.)
DISAGREEMENTS = frozenset({"paylink_mismatch", "transaction_id_mismatch",
                           "currency_mismatch", "amount_mismatch", AMOUNT_UNCONFIRMED,
                           "callback_unconfirmed"})
_UNPAID_OUTCOME = {
    GatewayStatus.FAILURE: PaymentStatus.FAILED,
    GatewayStatus.CANCELLED: PaymentStatus.CANCELLED,
    GatewayStatus.EXPIRED: PaymentStatus.EXPIRED,
}


class ApplyOutcome(str, Enum):
    """What applying one gateway report did."""

    CHANGED = "changed"
    UNCHANGED = "unchanged"
    UNCONFIRMED = "unconfirmed"
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
    captured_minor: int = 0
    recheck_at: datetime | None = None
    recheck_step: int = 0
    open_slot: int | None = None  # which of the student's open-checkout slots it holds
    version: int = 0
    events: list[ev.DomainEvent] = field(default_factory=list, repr=False)

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

    def recheck_soon(self, *, at: datetime, restart: bool = False) -> bool:
        """The gateway has not confirmed yet what it will (lag, or a SUCCESS without its
        amount): ask it again on the fast schedule. False once that schedule is spent.
        `restart` begins the schedule again (a callback we gave up on)."""
        if restart:
            self.recheck_step = 0
        if self.recheck_step >= len(RECHECK_DELAYS):
            self.recheck_at = None
            return False
        self.recheck_at = at + RECHECK_DELAYS[self.recheck_step]
        self.recheck_step += 1
        return True

    def apply_gateway_report(self, report: GatewayReport, *, at: datetime,
                             actor: str) -> ApplyOutcome:
        """Apply what the gateway confirmed. The one path for callbacks, verify and checks."""
        if self.review_reason is not None:
            return ApplyOutcome.HELD_FOR_REVIEW
        disagreement = self.disagreement_with(report)
        if disagreement is not None:
            if report.status is GatewayStatus.SUCCESS and report.amount is not None:
                self._note_capture(report.amount.amount_minor, at)
            self.flag_for_review(disagreement, at=at)
            return ApplyOutcome.FLAGGED
        if report.status is GatewayStatus.PENDING:
            return ApplyOutcome.UNCHANGED
        if report.status is GatewayStatus.SUCCESS:
            if report.amount is None:  # not a confirmation: the amount was never compared
                return self._unconfirmed_success(at)
            return self._apply_success(at, actor)
        self.recheck_at = None
        return self._apply_unpaid(_UNPAID_OUTCOME[report.status], report.failure_code, at, actor)

    def _unconfirmed_success(self, at: datetime) -> ApplyOutcome:
        if self.status in CAPTURED:
            return ApplyOutcome.UNCHANGED
        if self.status in CLOSED_UNPAID:  # paid after we closed it, amount unknown: a person
            self._anomaly(GatewayStatus.SUCCESS, at)
            self.flag_for_review(f"paid_after_{self.status.value}", at=at)
            return ApplyOutcome.ANOMALY
        if self.recheck_soon(at=at):
            self.updated_at = at
            return ApplyOutcome.UNCONFIRMED
        self.flag_for_review(AMOUNT_UNCONFIRMED, at=at)
        return ApplyOutcome.FLAGGED

    def _note_capture(self, amount_minor: int, at: datetime) -> None:
        """The gateway took money we did not expect to keep: remember how much."""
        if self.status not in CAPTURED and amount_minor > 0:
            self.captured_minor = amount_minor
            self.recheck_at = None
            self.updated_at = at

    def _apply_success(self, at: datetime, actor: str) -> ApplyOutcome:
        if self.status in CAPTURED:
            return ApplyOutcome.UNCHANGED
        if self.status in CLOSED_UNPAID:
            self._anomaly(GatewayStatus.SUCCESS, at)
            self._note_capture(self.amount.amount_minor, at)
            self.flag_for_review(f"paid_after_{self.status.value}", at=at)
            return ApplyOutcome.ANOMALY
        if self.status is not PaymentStatus.PENDING:
            raise IllegalTransition(f"cannot succeed a {self.status.value} payment")
        self._succeed(at, actor)
        return ApplyOutcome.CHANGED

    def _succeed(self, at: datetime, actor: str, reason: str | None = None) -> None:
        self.captured_minor = self.captured_minor or self.amount.amount_minor
        self.recheck_at = None
        before = self._move(PaymentStatus.SUCCEEDED, at)
        self.events.append(ev.PaymentSucceeded(
            **self._transition_fields(before, at, actor, reason),  # type: ignore[arg-type]
            amount_minor=self.captured_minor, currency=self.amount.currency))

    # -- review resolution (an admin, with a written reason) -------------------------
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

    def accept_held(self, *, at: datetime, actor: str, reason: str) -> bool:
        """An admin accepts the money the gateway took as this course's payment.

        True when the payment now counts as paid (the enrollment may be unlocked)."""
        self._require_held()
        paid_now = self.status in OPEN or self.status in CLOSED_UNPAID
        if paid_now:
            self._succeed(at, actor, reason)
        self._resolved("accepted", at, actor, reason)
        return paid_now

    def reject_held(self, *, at: datetime, actor: str, reason: str) -> None:
        """An admin decides this payment is not paid. Money the gateway took must be
        refunded first, so a rejection can never leave captured money behind."""
        self._require_held()
        if self.captured_minor > self.refunded_minor:
            raise IllegalTransition("the gateway captured money for this payment: refund it "
                                    "instead of rejecting", code="captured_money_unresolved")
        if self.status in OPEN:
            self.failure_code = "rejected_in_review"
            before = self._move(PaymentStatus.FAILED, at)
            self.recheck_at = None
            self.events.append(ev.PaymentFailed(
                **self._transition_fields(before, at, actor, reason)))  # type: ignore[arg-type]
        self._resolved("rejected", at, actor, reason)

    def reverify_held(self, report: GatewayReport, *, at: datetime, actor: str,
                      reason: str) -> bool:
        """Apply the gateway's current answer if it now agrees with our record.

        True when the review was cleared (the answer agreed); the caller applies the
        report afterwards through the usual path."""
        held = self._require_held()
        if held not in DISAGREEMENTS and not held.startswith("paid_after_"):
            raise IllegalTransition(f"re-verifying cannot resolve {held}: accept the payment "
                                    "or refund it")
        if self.disagreement_with(report) is not None:
            return False
        if report.status is GatewayStatus.SUCCESS and report.amount is None:
            return False
        if report.status is GatewayStatus.SUCCESS and self.status in CLOSED_UNPAID:
            self._succeed(at, actor, reason)  # we closed it too early; the gateway was paid
        self.recheck_step = 0
        self._resolved("reverified", at, actor, reason)
        return True

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
        """Hold `amount` for a refund in flight; nothing beyond the capture can be held.

        Money captured after we closed the payment (paid after it failed or expired) is
        refundable too: that is how an admin gives it back."""
        if self.captured_minor == 0:
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
        full = self.refunded_minor >= self.captured_minor
        to = PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED
        before = self._move(to, at)
        self.events.append(ev.PaymentRefunded(
            **self._transition_fields(before, at, actor, reason),  # type: ignore[arg-type]
            refunded_minor=amount.amount_minor, currency=amount.currency))
        if full and self.review_reason is not None:
            self._resolved("refunded", at, actor, reason or "captured money refunded")
