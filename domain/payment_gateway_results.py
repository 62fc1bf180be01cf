"""How a payment takes what the gateway reports: the one path for callbacks, verify and
the pending checker (`apply_gateway_report`).

These rules get their own module because they are where a student's money and access
meet the real gateway. A repeated legal transition (the same webhook twice) is a no-op;
a report that contradicts a final state is an anomaly, recorded as an event and never
applied; a report that disagrees with our facts holds the payment for review. Three
rules keep money and access right:
- a confirmation must carry the amount: a SUCCESS without one is re-checked soon and,
  after the checker's tries, held for review (`amount_unconfirmed`);
- lag is not fraud: a gateway still PENDING after a final callback is re-checked on a
  fast schedule (`RECHECK_DELAYS`), never held for review;
- money the gateway took where we did not expect it (paid after we closed the payment,
  or held for review) is recorded in `captured_minor`, so an admin can refund or accept
  it; it is never stuck.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain import events as ev
from domain.errors import IllegalTransition
from domain.gateway_report import GatewayReport, GatewayStatus
from domain.payment_state import PaymentState
from domain.payment_status import CAPTURED, CLOSED_UNPAID, ApplyOutcome, PaymentStatus

# After a final callback the status call may lag behind: ask again after these delays,
# then leave the payment to the checker's usual (slower) schedule.
RECHECK_DELAYS = (timedelta(seconds=5), timedelta(seconds=15), timedelta(seconds=45))
AMOUNT_UNCONFIRMED = "amount_unconfirmed"
_UNPAID_OUTCOME = {
    GatewayStatus.FAILURE: PaymentStatus.FAILED,
    GatewayStatus.CANCELLED: PaymentStatus.CANCELLED,
    GatewayStatus.EXPIRED: PaymentStatus.EXPIRED,
}


class PaymentGatewayResults(PaymentState):
    """The rules for applying a gateway report; part of Payment (domain/payment.py)."""

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
