"""Wire types of our HTTP API (msgspec). Requests forbid unknown fields: nothing is
silently ignored and nothing can be mass-assigned."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from application.errors import InvalidInput
from application.ports import AuditEntry
from application.student_messages import student_message
from domain.enrollment import Enrollment
from domain.money import Money
from domain.payment import Payment
from entrypoints.http.request_body import RequestBody

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class MoneyBody(RequestBody):
    amount: Annotated[int, msgspec.Meta(gt=0, description="integer minor units (cents)")]
    currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]


class CreateEnrollmentBody(RequestBody):
    student_id: Id
    course_id: Id
    price: MoneyBody


class CreatePaymentBody(RequestBody):
    enrollment_id: Id


class ReviewBody(RequestBody):
    """Resolve a held payment: `reverify` (apply the gateway's answer if it now agrees),
    `accept` (the captured money pays for the course) or `reject` (not paid)."""

    action: Literal["reverify", "accept", "reject"]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class MoneyOut(msgspec.Struct, frozen=True, kw_only=True):
    amount: int
    currency: str

    @classmethod
    def of(cls, money: Money) -> MoneyOut:
        return cls(amount=money.amount_minor, currency=money.currency)


class EnrollmentOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    student_id: str
    course_id: str
    price: MoneyOut
    status: str
    payment_id: str | None
    revoked_reason: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, e: Enrollment) -> EnrollmentOut:
        return cls(id=e.id, student_id=e.student_id, course_id=e.course_id,
                   price=MoneyOut.of(e.price), status=e.status.value, payment_id=e.payment_id,
                   revoked_reason=e.revoked_reason, created_at=e.created_at,
                   updated_at=e.updated_at)


class PaymentOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    enrollment_id: str
    student_id: str
    status: str
    amount: MoneyOut
    refunded_amount: MoneyOut
    checkout_url: str | None
    expires_at: datetime | None
    gateway_reference: str | None
    review_reason: str | None
    failure_code: str | None
    user_message: str
    created_at: datetime
    updated_at: datetime
    captured_amount: MoneyOut  # what the gateway took (also when we did not expect it)

    @classmethod
    def of(cls, p: Payment) -> PaymentOut:
        return cls(id=p.id, enrollment_id=p.enrollment_id, student_id=p.student_id,
                   status=p.status.value, amount=MoneyOut.of(p.amount),
                   refunded_amount=MoneyOut.of(p.refunded), checkout_url=p.checkout_url,
                   expires_at=p.expires_at, gateway_reference=p.paylink_id,
                   review_reason=p.review_reason, failure_code=p.failure_code,
                   user_message=student_message(p), created_at=p.created_at,
                   updated_at=p.updated_at, captured_amount=MoneyOut.of(p.captured))


class PaymentPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[PaymentOut]
    next_cursor: str | None


class Problem(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """RFC 9457 problem details with our stable extension members."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    category: str
    retryable: bool
    user_message: str
    instance: str | None = None
    enrollment_id: str | None = None  # already_enrolled: the enrollment that exists


def encode_cursor(created_at: datetime, payment_id: str) -> str:
    raw = f"{created_at.isoformat()}|{payment_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, payment_id = raw.split("|", 1)
        return datetime.fromisoformat(stamp), payment_id
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("cursor is not one this API handed out") from None


class AuditEntryOut(msgspec.Struct, frozen=True, kw_only=True):
    at: datetime
    actor: str
    entity: str
    entity_id: str
    action: str
    from_status: str | None
    to_status: str | None
    reason: str | None


class AuditTrail(msgspec.Struct, frozen=True, kw_only=True):
    items: list[AuditEntryOut]

    @classmethod
    def of(cls, entries: Iterable[AuditEntry]) -> AuditTrail:
        """`AuditEntry` has the same fields: msgspec reads them off the dataclass."""
        return cls(items=msgspec.convert(entries, list[AuditEntryOut], from_attributes=True))
