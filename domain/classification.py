"""Error taxonomy: every failure maps to exactly one ErrorClassification.

`CATALOGUE` is the single table of codes; `classify` is the single pure mapping from a
failure (an exception) to one entry. docs/errors.md is generated from the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.errors import DomainError


class Category(str, Enum):
    NETWORK = "network"
    VALIDATION = "validation"
    GATEWAY = "gateway"
    PAYMENT_DECLINED = "payment_declined"
    SYSTEM = "system"


class Severity(str, Enum):
    """How loudly to log: maps one-to-one to a log level."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class ErrorClassification:
    category: Category
    code: str
    retryable: bool
    severity: Severity
    user_message: str
    http_status: int
    title: str


def _c(category: Category, code: str, retryable: bool, severity: Severity, status: int,
       title: str, message: str) -> tuple[str, ErrorClassification]:
    return code, ErrorClassification(category, code, retryable, severity, message, status, title)


_N, _V, _G, _D, _S = (Category.NETWORK, Category.VALIDATION, Category.GATEWAY,
                      Category.PAYMENT_DECLINED, Category.SYSTEM)
_I, _W, _E, _X = Severity.INFO, Severity.WARNING, Severity.ERROR, Severity.CRITICAL
_RETRY = "The payment service is having trouble reaching our payment provider. Nothing was charged twice; please try again in a minute."

CATALOGUE: dict[str, ErrorClassification] = dict([
    _c(_N, "gateway_timeout", True, _W, 504, "Payment provider timed out", _RETRY),
    _c(_N, "gateway_unreachable", True, _E, 503, "Payment provider unreachable", _RETRY),
    _c(_N, "gateway_connection_reset", True, _W, 503, "Connection to payment provider reset", _RETRY),
    _c(_N, "gateway_dns_failure", True, _E, 503, "Payment provider name did not resolve", _RETRY),
    _c(_G, "gateway_server_error", True, _E, 502, "Payment provider failed", _RETRY),
    _c(_G, "gateway_malformed_response", True, _E, 502, "Payment provider answered nonsense", _RETRY),
    _c(_G, "gateway_contradictory_response", False, _E, 502, "Payment provider contradicted itself", "Our payment provider gave an unclear answer. Your payment is being checked; please do not pay again."),
    _c(_G, "gateway_rate_limited", True, _W, 503, "Payment provider is rate limiting us", _RETRY),
    _c(_G, "gateway_circuit_open", True, _E, 503, "Payment provider temporarily disabled", _RETRY),
    _c(_G, "gateway_auth_failed", False, _X, 502, "Payment provider refused our credentials", "Payments are temporarily unavailable. Please try again later; our team has been alerted."),
    _c(_V, "gateway_rejected_request", False, _E, 422, "Payment provider rejected the request", "The payment could not be started with these details. Please contact support."),
    _c(_D, "payment_declined", False, _I, 402, "Payment declined", "Your bank declined the payment. Please try another card or contact your bank."),
    _c(_D, "insufficient_funds", False, _I, 402, "Insufficient funds", "The card has insufficient funds. Please use another card or top up and try again."),
    _c(_D, "payment_cancelled", False, _I, 402, "Payment cancelled", "You cancelled the payment. You can start again whenever you are ready."),
    _c(_D, "payment_expired", False, _I, 410, "Payment link expired", "The payment link expired before payment. Please start a new checkout."),
    _c(_V, "invalid_request", False, _I, 400, "Invalid request", "Some details in the request are not valid. Please check them and try again."),
    _c(_V, "malformed_json", False, _I, 400, "Malformed JSON", "The request could not be read. Please try again."),
    _c(_V, "card_data_refused", False, _W, 400, "Card data is never accepted here", "Never send card details to us: you enter them only on the secure payment page."),
    _c(_V, "invalid_amount", False, _I, 422, "Invalid amount", "The amount is not valid."),
    _c(_V, "unsupported_currency", False, _I, 422, "Unsupported currency", "Payments are accepted in South African rand (ZAR) only."),
    _c(_V, "currency_mismatch", False, _I, 422, "Currency mismatch", "The currency does not match the payment."),
    _c(_V, "idempotency_key_missing", False, _I, 400, "Idempotency-Key header required", "Please retry the request from the app."),
    _c(_V, "idempotency_key_invalid", False, _I, 400, "Idempotency-Key is malformed", "Please retry the request from the app."),
    _c(_V, "idempotency_key_reused", False, _W, 422, "Idempotency-Key reused with another body", "This request conflicts with an earlier one. Please start again."),
    _c(_V, "idempotency_request_in_progress", True, _I, 409, "Same request still in progress", "Your request is still being processed. Please wait a moment."),
    _c(_V, "unauthenticated", False, _I, 401, "Authentication required", "Please sign in again."),
    _c(_V, "invalid_signature", False, _W, 401, "Callback signature invalid", "Request refused."),
    _c(_V, "forbidden", False, _W, 403, "Not allowed", "You are not allowed to do this."),
    _c(_V, "not_found", False, _I, 404, "Not found", "We could not find what you asked for."),
    _c(_V, "method_not_allowed", False, _I, 405, "Method not allowed", "This action is not available here. Please update the app."),
    _c(_V, "payload_too_large", False, _W, 413, "Request body too large", "The request is too large."),
    _c(_V, "enrollment_not_payable", False, _I, 409, "Enrollment cannot be paid", "This course does not need a payment right now. Refresh the page to see its status."),
    _c(_V, "payment_not_refundable", False, _I, 409, "Payment cannot be refunded", "This payment cannot be refunded."),
    _c(_V, "refund_exceeds_captured", False, _W, 422, "Refund larger than what is left", "The refund is larger than what remains refundable."),
    _c(_V, "reason_required", False, _I, 422, "Reason required", "Please give a reason."),
    _c(_V, "gateway_reference_required", False, _I, 422, "Gateway reference required", "Please give the payment provider's reference."),
    _c(_V, "invalid_date_range", False, _I, 422, "Invalid date range", "Please choose a start date on or before the end date, at most 366 days apart."),
    _c(_V, "gateway_mode_refused", False, _W, 409, "Gateway mode change refused", "This environment cannot switch to that payment mode."),
    _c(_V, "illegal_transition", False, _W, 409, "Not possible in the current state", "This is not possible in the current state. Refresh the page to see the latest status."),
    _c(_V, "activation_refused", False, _E, 409, "Enrollment cannot be activated", "We received your payment but could not unlock the course automatically. Support has been alerted and will fix it or refund you."),
    _c(_V, "concurrent_update", True, _W, 409, "Changed by someone else", "Something changed while we were saving. Please try again."),
    _c(_V, "already_enrolled", False, _I, 409, "Already enrolled in this course", "You already have this course, or a purchase of it is waiting for payment. Open it from your courses instead of buying it again."),
    _c(_V, "payment_under_review", False, _I, 409, "A payment for this course is being checked", "We received a payment for this course that we are still checking. Please do not pay again: we will unlock the course or refund you."),
    _c(_V, "captured_money_unresolved", False, _W, 409, "Captured money must be refunded first", "This payment took money that must be refunded before it can be rejected."),
    _c(_V, "too_many_open_checkouts", False, _W, 409, "Too many open checkouts", "You already have several payments waiting. Finish or wait for one of them before starting another."),
    _c(_V, "risk_blocked", False, _W, 403, "Paused by a risk rule", "We have paused this for your account for a while. Please wait and try again later, or contact support."),
    _c(_V, "rate_limited", True, _W, 429, "Too many requests", "You are going a little fast. Please wait a moment and try again."),
    _c(_V, "https_required", False, _W, 403, "HTTPS required", "Please use a secure (https) connection."),
    _c(_S, "storage_unavailable", True, _X, 503, "Storage unavailable", "The payment service is temporarily unavailable. Please try again shortly."),
    _c(_S, "internal_error", False, _X, 500, "Internal error", "Something went wrong on our side. Nothing was charged twice; please try again or contact support."),
])

DECLINE_CODES = frozenset({"payment_declined", "insufficient_funds", "payment_cancelled",
                           "payment_expired"})


class ClassifiedFailure(Exception):
    """A failure that already knows its code. `retry_after_s` carries a gateway's hint."""

    def __init__(self, code: str, detail: str = "", *, retry_after_s: float | None = None) -> None:
        if code not in CATALOGUE:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(detail or code)
        self.code = code
        self.detail = detail
        self.retry_after_s = retry_after_s


def classify(failure: BaseException) -> ErrorClassification:
    """Map any failure to exactly one classification. Unknown failures (a bare OSError or
    TimeoutError among them) are `internal_error`."""
    code = _code_of(failure)
    return CATALOGUE[code]


def _code_of(failure: BaseException) -> str:
    if isinstance(failure, ClassifiedFailure):
        return failure.code
    if isinstance(failure, DomainError):
        return failure.code if failure.code in CATALOGUE else "illegal_transition"
    # Anything else is ours: a bare OSError or TimeoutError included. The adapters say
    # whose an outage is (the gateway's transport failures leave it as gateway codes,
    # the database's as StorageUnavailable); an unnamed one is not the provider's fault.
    return "internal_error"


def classify_code(code: str) -> ErrorClassification:
    """The classification of a known code (e.g. a gateway's failure code on a payment)."""
    return CATALOGUE.get(code, CATALOGUE["internal_error"])
