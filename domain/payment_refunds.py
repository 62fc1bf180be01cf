"""How refunds count against a payment: reserved while in flight, released when one
fails, completed when it reaches the student.

Its own module because the refund ceiling is a money rule of its own: nothing beyond
what the gateway captured (and never beyond the price) can be reserved, whatever the
payment's status, so money paid after we closed a payment can still be given back.
The Refund aggregate (domain/refund.py) tracks each refund; these rules keep the
payment's side of it.
"""

from __future__ import annotations

from datetime import datetime

from domain import events as ev
from domain.errors import IllegalTransition, InvalidMoney, NotRefundable, RefundExceedsCapture
from domain.money import Money
from domain.payment_state import PaymentState
from domain.payment_status import PaymentStatus


class PaymentRefunds(PaymentState):
    """The rules for refunding a payment; part of Payment (domain/payment.py)."""

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
