"""Entities in the states tests need, built through the domain's own transitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.enrollment import Enrollment
from domain.gateway_report import GatewayReport, GatewayStatus
from domain.money import Money
from domain.payment import Payment

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def enrollment(eid: str = "enr_1", student: str = "stu_1", at: datetime = T0,
               price: int = 49900, course: str | None = None) -> Enrollment:
    """One course per enrollment unless said: a student holds a course only once."""
    return Enrollment.create(enrollment_id=eid, student_id=student,
                             course_id=course or f"course_{eid}",
                             price=Money(price, "ZAR"), at=at, actor="service:test")


def own_enrollments(*payments: Payment) -> list[Enrollment]:
    """An enrollment for each payment's enrollment id: at most one open payment each."""
    return [enrollment(eid, student) for eid, student in
            dict.fromkeys((p.enrollment_id, p.student_id) for p in payments)]


def payment(pid: str = "pay_1", eid: str = "enr_1", student: str = "stu_1",
            at: datetime = T0, amount: int = 49900, key: str | None = None,
            paylink: str | None = None) -> Payment:
    p = Payment.create(payment_id=pid, enrollment_id=eid, student_id=student,
                       amount=Money(amount, "ZAR"), at=at, actor=f"student:{student}",
                       idempotency_key=key)
    if paylink is not None:
        p.attach_paylink(paylink_id=paylink, checkout_url=f"https://pay.example/{paylink}",
                         expires_at=at + timedelta(hours=1), at=at, actor="system")
    return p


def success_report(p: Payment) -> GatewayReport:
    assert p.paylink_id is not None
    return GatewayReport(paylink_id=p.paylink_id, status=GatewayStatus.SUCCESS,
                         external_transaction_id=p.id, amount=p.amount)


def succeeded(pid: str = "pay_1", eid: str = "enr_1", amount: int = 49900) -> Payment:
    p = payment(pid, eid, amount=amount, paylink=f"pl_{pid}")
    p.apply_gateway_report(success_report(p), at=T0 + timedelta(minutes=5), actor="gateway")
    return p
