"""How an admin resolves a payment held for review, always with a written reason:
accept the money the gateway took, reject the payment, or re-verify it with the gateway.

Its own module because these are the only ways out of a hold besides a full refund
(payment_refunds.py), and each one guards money: a rejection can never leave captured
money behind, and re-verifying clears only a real disagreement that the gateway's
answer now settles. Re-verifying compares that answer with the gateway rules
(payment_gateway_results.py), which is why this rule set builds on them.
"""

from __future__ import annotations

from datetime import datetime

from domain import events as ev
from domain.errors import IllegalTransition
from domain.gateway_report import GatewayReport, GatewayStatus
from domain.payment_gateway_results import AMOUNT_UNCONFIRMED, PaymentGatewayResults
from domain.payment_status import CLOSED_UNPAID, OPEN, PaymentStatus

# Real disagreements between the gateway's facts and ours. Only these hold a payment
# open for review; anything else that holds one is about money already captured.
# (`callback_unconfirmed` was set on lag by earlier versions; re-verifying clears it.)
DISAGREEMENTS = frozenset({"paylink_mismatch", "transaction_id_mismatch",
                           "currency_mismatch", "amount_mismatch", AMOUNT_UNCONFIRMED,
                           "callback_unconfirmed"})


class PaymentReview(PaymentGatewayResults):
    """The rules for resolving a review; part of Payment (domain/payment.py)."""

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
