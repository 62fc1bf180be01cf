"""What to tell a student about their payment, in plain words, with the next step."""

from __future__ import annotations

from types import MappingProxyType

from domain.classification import DECLINE_CODES, classify_code
from domain.payment import Payment, PaymentStatus

_BY_STATUS = MappingProxyType({
    PaymentStatus.CREATED: "We are preparing your secure payment page. Please wait a moment "
                           "and try again if it does not open.",
    PaymentStatus.PENDING: "Complete your payment on the secure iKhokha page. Your course "
                           "unlocks as soon as the payment is confirmed.",
    PaymentStatus.SUCCEEDED: "Payment received. Your course is unlocked - enjoy learning!",
    PaymentStatus.CANCELLED: "You cancelled the payment. You can start again whenever you "
                             "are ready.",
    PaymentStatus.EXPIRED: "The payment link expired before payment. Please start a new "
                           "checkout.",
    PaymentStatus.PARTIALLY_REFUNDED: "Part of this payment was refunded to your card.",
    PaymentStatus.REFUNDED: "This payment was refunded to your card.",
})
UNDER_REVIEW = ("We are double-checking this payment with our payment provider. Please do not "
                "pay again; support will contact you if anything is needed.")


def student_message(payment: Payment) -> str:
    if payment.review_reason is not None and payment.status not in (
            PaymentStatus.REFUNDED, PaymentStatus.PARTIALLY_REFUNDED):
        return UNDER_REVIEW
    if payment.status is PaymentStatus.FAILED:
        code = payment.failure_code if payment.failure_code in DECLINE_CODES else None
        if code is None and payment.failure_code:
            return classify_code(payment.failure_code).user_message
        return classify_code(code or "payment_declined").user_message
    return _BY_STATUS[payment.status]
