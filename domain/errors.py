"""Typed domain errors: each names the rule that was broken, never a secret."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the operation. `code` is stable and machine-readable."""

    code = "domain_rule_violated"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class CurrencyMismatch(DomainError):
    code = "currency_mismatch"


class InvalidMoney(DomainError):
    code = "invalid_amount"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class RefundExceedsCapture(DomainError):
    code = "refund_exceeds_captured"


class NotRefundable(DomainError):
    code = "payment_not_refundable"


class EnrollmentNotPayable(DomainError):
    code = "enrollment_not_payable"
