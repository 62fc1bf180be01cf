"""The aggregate tables: payments, enrollments, refunds.

Each row class maps to and from its domain entity explicitly: `values_of(entity)` gives
the column values as a plain dict, and `to_domain` reads only attributes, so the unit of
work calls it on a SQLAlchemy Row directly (identity_map.py; the risk rows in
risk_tables.py do the same). The constraints repeat
the domain's invariants so a bug or a race above can never store an impossible state:
a refund ceiling, one payment per (student, idempotency key) and per paylink, one
activated enrollment per payment, only legal statuses, and two partial unique indexes
that make concurrent double clicks harmless: at most one enrollment per student and
course that is awaiting payment or active, and at most one open (created or pending)
payment per enrollment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CHAR,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from adapters.sql.column_types import money_column as _money
from adapters.sql.column_types import partial_unique_index, status_check
from adapters.sql.column_types import timestamp_column as _ts
from domain.enrollment import Enrollment, EnrollmentStatus
from domain.money import Money
from domain.payment import Payment, PaymentStatus
from domain.refund import Refund, RefundStatus


class EnrollmentRow(SQLModel, table=True):
    __tablename__ = "enrollments"
    __table_args__ = (status_check(EnrollmentStatus, "ck_enrollments_status"),
                      CheckConstraint("price_minor > 0", name="ck_enrollments_price_positive"),
                      UniqueConstraint("payment_id", name="uq_enrollments_payment_id"))

    id: str = Field(primary_key=True, max_length=64)
    student_id: str = Field(max_length=64, index=True)
    course_id: str = Field(max_length=64)
    price_minor: int = Field(sa_column=_money())
    currency: str = Field(sa_column=Column(CHAR(3), nullable=False))
    status: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=_ts())
    updated_at: datetime = Field(sa_column=_ts())
    payment_id: str | None = Field(default=None, max_length=64)
    revoked_reason: str | None = Field(default=None)
    version: int = Field(default=0)

    @classmethod
    def values_of(cls, e: Enrollment) -> dict[str, Any]:
        return dict(id=e.id, student_id=e.student_id, course_id=e.course_id,
                    price_minor=e.price.amount_minor, currency=e.price.currency,
                    status=e.status.value, created_at=e.created_at, updated_at=e.updated_at,
                    payment_id=e.payment_id, revoked_reason=e.revoked_reason, version=e.version)

    def to_domain(self) -> Enrollment:
        return Enrollment(id=self.id, student_id=self.student_id, course_id=self.course_id,
                          price=Money(self.price_minor, self.currency),
                          status=EnrollmentStatus(self.status), created_at=self.created_at,
                          updated_at=self.updated_at, payment_id=self.payment_id,
                          revoked_reason=self.revoked_reason, version=self.version)


class PaymentRow(SQLModel, table=True):
    __tablename__ = "payments"
    __table_args__ = (
        status_check(PaymentStatus, "ck_payments_status"),
        CheckConstraint("amount_minor > 0", name="ck_payments_amount_positive"),
        CheckConstraint("refunded_minor >= 0 AND reserved_minor >= 0 AND "
                        "refunded_minor + reserved_minor <= amount_minor",
                        name="ck_payments_refund_ceiling"),
        CheckConstraint("captured_minor >= 0 AND "
                        "refunded_minor + reserved_minor <= captured_minor",
                        name="ck_payments_refund_within_capture"),
        UniqueConstraint("student_id", "idempotency_key", name="uq_payments_idempotency_key"),
        UniqueConstraint("paylink_id", name="uq_payments_paylink_id"),
    )

    id: str = Field(primary_key=True, max_length=64)
    enrollment_id: str = Field(sa_column=Column(
        String(64), ForeignKey("enrollments.id"), nullable=False, index=True))
    student_id: str = Field(max_length=64)
    amount_minor: int = Field(sa_column=_money())
    currency: str = Field(sa_column=Column(CHAR(3), nullable=False))
    status: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=_ts())
    updated_at: datetime = Field(sa_column=_ts())
    idempotency_key: str | None = Field(default=None, max_length=255)
    paylink_id: str | None = Field(default=None, max_length=128)
    checkout_url: str | None = Field(default=None)
    expires_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    refunded_minor: int = Field(default=0, sa_column=_money())
    reserved_minor: int = Field(default=0, sa_column=_money())
    review_reason: str | None = Field(default=None)
    failure_code: str | None = Field(default=None, max_length=64)
    captured_minor: int = Field(default=0, sa_column=_money())
    recheck_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    recheck_step: int = Field(default=0)
    open_slot: int | None = Field(default=None)
    version: int = Field(default=0)

    @classmethod
    def values_of(cls, p: Payment) -> dict[str, Any]:
        return dict(id=p.id, enrollment_id=p.enrollment_id, student_id=p.student_id,
                    amount_minor=p.amount.amount_minor, currency=p.amount.currency,
                    status=p.status.value, created_at=p.created_at, updated_at=p.updated_at,
                    idempotency_key=p.idempotency_key, paylink_id=p.paylink_id,
                    checkout_url=p.checkout_url, expires_at=p.expires_at,
                    refunded_minor=p.refunded_minor, reserved_minor=p.reserved_minor,
                    review_reason=p.review_reason, failure_code=p.failure_code,
                    captured_minor=p.captured_minor, recheck_at=p.recheck_at,
                    recheck_step=p.recheck_step, open_slot=p.open_slot, version=p.version)

    def to_domain(self) -> Payment:
        return Payment(id=self.id, enrollment_id=self.enrollment_id, student_id=self.student_id,
                       amount=Money(self.amount_minor, self.currency),
                       status=PaymentStatus(self.status), created_at=self.created_at,
                       updated_at=self.updated_at, idempotency_key=self.idempotency_key,
                       paylink_id=self.paylink_id, checkout_url=self.checkout_url,
                       expires_at=self.expires_at, refunded_minor=self.refunded_minor,
                       reserved_minor=self.reserved_minor, review_reason=self.review_reason,
                       failure_code=self.failure_code, captured_minor=self.captured_minor,
                       recheck_at=self.recheck_at, recheck_step=self.recheck_step,
                       open_slot=self.open_slot, version=self.version)


_e = EnrollmentRow.__table__.c  # type: ignore[attr-defined]
# One purchase per course: a second enrollment awaiting payment or active is a lost race.
partial_unique_index("uq_enrollments_one_holding", (_e.student_id, _e.course_id),
                     "status IN ('pending_payment', 'active')")

_p = PaymentRow.__table__.c  # type: ignore[attr-defined]
# One open checkout per enrollment: concurrent Buy clicks get the same paylink.
partial_unique_index("uq_payments_one_open", (_p.enrollment_id,),
                     "status IN ('created', 'pending')")
# The cap on open checkouts per student, under concurrency: each open one holds a slot.
partial_unique_index("uq_payments_open_slot", (_p.student_id, _p.open_slot),
                     "open_slot IS NOT NULL")
# The checker's fast lane: payments whose gateway lags behind its callback.
Index("ix_payments_recheck_at", _p.recheck_at)
# The transaction history: newest first overall, per student, and per status.
Index("ix_payments_created_desc", _p.created_at.desc(), _p.id.desc())
Index("ix_payments_student_created", _p.student_id, _p.created_at, _p.id)
Index("ix_payments_status_created", _p.status, _p.created_at, _p.id)
# Analytics (adapters/sql/analytics.py): every payment query of a date range reads this
# index alone, one slice per status; enrollments by day and their course likewise.
Index("ix_payments_analytics", _p.status, _p.created_at, _p.enrollment_id, _p.id,
      _p.currency, _p.captured_minor, _p.refunded_minor, _p.failure_code)
Index("ix_enrollments_analytics", _e.created_at, _e.course_id)
Index("ix_enrollments_course", _e.id, _e.course_id)


class RefundRow(SQLModel, table=True):
    __tablename__ = "refunds"
    __table_args__ = (status_check(RefundStatus, "ck_refunds_status"),
                      CheckConstraint("amount_minor > 0", name="ck_refunds_amount_positive"))

    id: str = Field(primary_key=True, max_length=64)
    payment_id: str = Field(sa_column=Column(
        String(64), ForeignKey("payments.id"), nullable=False, index=True))
    student_id: str = Field(max_length=64)
    amount_minor: int = Field(sa_column=_money())
    currency: str = Field(sa_column=Column(CHAR(3), nullable=False))
    reason: str
    status: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=_ts())
    updated_at: datetime = Field(sa_column=_ts())
    gateway_reference: str | None = Field(default=None, max_length=128)
    version: int = Field(default=0)

    @classmethod
    def values_of(cls, r: Refund) -> dict[str, Any]:
        return dict(id=r.id, payment_id=r.payment_id, student_id=r.student_id,
                    amount_minor=r.amount.amount_minor, currency=r.amount.currency,
                    reason=r.reason, status=r.status.value, created_at=r.created_at,
                    updated_at=r.updated_at, gateway_reference=r.gateway_reference,
                    version=r.version)

    def to_domain(self) -> Refund:
        return Refund(id=self.id, payment_id=self.payment_id, student_id=self.student_id,
                      amount=Money(self.amount_minor, self.currency), reason=self.reason,
                      status=RefundStatus(self.status), created_at=self.created_at,
                      updated_at=self.updated_at, gateway_reference=self.gateway_reference,
                      version=self.version)
