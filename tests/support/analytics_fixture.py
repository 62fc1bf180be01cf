"""Fifty payments, hand-counted: the analytics fixture (issue 19).

Each row is one checkout, written out so the expected figures below can be counted by
eye. The range is 2026-03-02 to 2026-03-04 (three UTC days); four rows sit just outside
it (23:59:59 the evening before, midnight the day after) and must never count.

Courses and prices: algebra R500.00, biology R300.00, chemistry R800.00. Every checkout
has its own enrollment (and student); three more enrollments never started a checkout.
`seconds` is the time from the checkout's start to the gateway's confirmation; `refund`
the minor units refunded since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.enrollment import Enrollment
from domain.gateway_report import GatewayReport, GatewayStatus
from domain.money import Money
from domain.payment import Payment

START, END = "2026-03-02", "2026-03-04"
ALGEBRA, BIOLOGY, CHEMISTRY = "course-algebra", "course-biology", "course-chemistry"
PRICE = {ALGEBRA: 50_000, BIOLOGY: 30_000, CHEMISTRY: 80_000}


@dataclass(frozen=True)
class Row:
    course: str
    at: str  # "MM-DD HH:MM:SS" in March 2026, UTC
    outcome: str  # paid | declined | cancelled | expired | open
    code: str | None = None  # the gateway's failure code (declined / cancelled)
    seconds: int = 0  # to pay
    refund: int = 0


A, B, C = ALGEBRA, BIOLOGY, CHEMISTRY
ROWS = [
    # algebra: 20 checkouts in range — 16 paid, 2 declined, 1 cancelled, 1 expired
    Row(A, "03-02 09:00:00", "paid", seconds=30),
    Row(A, "03-02 09:10:00", "paid", seconds=45),
    Row(A, "03-02 09:20:00", "paid", seconds=60),
    Row(A, "03-02 09:30:00", "paid", seconds=60),
    Row(A, "03-02 09:40:00", "paid", seconds=90),
    Row(A, "03-02 09:50:00", "declined", "insufficient_funds"),
    Row(A, "03-02 10:00:00", "cancelled"),
    Row(A, "03-03 09:00:00", "paid", seconds=120),
    Row(A, "03-03 09:10:00", "paid", seconds=120),
    Row(A, "03-03 09:20:00", "paid", seconds=150),
    Row(A, "03-03 09:30:00", "paid", seconds=180),
    Row(A, "03-03 09:40:00", "paid", seconds=200, refund=50_000),
    Row(A, "03-03 09:50:00", "declined"),
    Row(A, "03-04 09:00:00", "paid", seconds=240),
    Row(A, "03-04 09:10:00", "paid", seconds=300, refund=50_000),
    Row(A, "03-04 09:20:00", "paid", seconds=360),
    Row(A, "03-04 09:30:00", "paid", seconds=420, refund=20_000),
    Row(A, "03-04 09:40:00", "paid", seconds=600),
    Row(A, "03-04 09:50:00", "paid", seconds=900),
    Row(A, "03-04 23:00:00", "expired"),
    # biology: 16 checkouts — 6 paid, 6 declined, 2 cancelled, 1 expired, 1 still open
    Row(B, "03-02 11:00:00", "paid", seconds=40),
    Row(B, "03-02 11:10:00", "declined", "payment_declined"),
    Row(B, "03-02 11:20:00", "declined", "payment_declined"),
    Row(B, "03-02 11:30:00", "cancelled", "payment_cancelled"),
    Row(B, "03-03 11:00:00", "paid", seconds=75),
    Row(B, "03-03 11:10:00", "paid", seconds=500, refund=30_000),
    Row(B, "03-03 11:20:00", "declined", "payment_declined"),
    Row(B, "03-03 11:30:00", "declined", "insufficient_funds"),
    Row(B, "03-03 11:40:00", "expired"),
    Row(B, "03-04 11:00:00", "paid", seconds=800),
    Row(B, "03-04 11:10:00", "paid", seconds=1200),
    Row(B, "03-04 11:20:00", "paid", seconds=3600),
    Row(B, "03-04 11:30:00", "declined", "insufficient_funds"),
    Row(B, "03-04 11:40:00", "declined"),
    Row(B, "03-04 11:50:00", "cancelled"),
    Row(B, "03-04 12:00:00", "open"),
    # chemistry: 10 checkouts — 7 paid, 1 declined, 1 cancelled, 1 still open
    Row(C, "03-02 13:00:00", "paid", seconds=20),
    Row(C, "03-02 13:10:00", "paid", seconds=35),
    Row(C, "03-02 13:20:00", "paid", seconds=65),
    Row(C, "03-03 13:00:00", "paid", seconds=95),
    Row(C, "03-03 13:10:00", "declined", "insufficient_funds"),
    Row(C, "03-03 13:20:00", "cancelled"),
    Row(C, "03-04 13:00:00", "paid", seconds=130),
    Row(C, "03-04 13:10:00", "paid", seconds=700),
    Row(C, "03-04 13:20:00", "paid", seconds=1000),
    Row(C, "03-04 13:30:00", "open"),
    # outside the range: never counted
    Row(A, "03-01 23:59:59", "paid", seconds=100),
    Row(B, "03-01 23:59:59", "declined", "payment_declined"),
    Row(A, "03-05 00:00:00", "paid", seconds=50),
    Row(C, "03-05 00:00:00", "cancelled"),
]
# Enrollments that never started a checkout (in range).
ABANDONED = [(A, "03-03 08:00:00"), (A, "03-03 08:05:00"), (B, "03-02 08:00:00")]
assert len(ROWS) == 50

# -- the figures, counted by hand from the rows above ----------------------------------
FUNNEL = {"enrollments": 49, "checkouts_started": 46, "paid": 29, "declined": 9,
          "cancelled": 4, "expired": 2, "still_open": 2, "lost_at_payment": 15,
          "conversion_percent": 63.0,  # 29 / 46
          "enrollment_conversion_percent": 59.2}  # 29 / 49
COURSES = [  # lowest conversion first
    (BIOLOGY, {"enrollments": 17, "checkouts_started": 16, "paid": 6, "declined": 6,
               "cancelled": 2, "expired": 1, "still_open": 1, "lost_at_payment": 9,
               "conversion_percent": 37.5, "enrollment_conversion_percent": 35.3}),
    (CHEMISTRY, {"enrollments": 10, "checkouts_started": 10, "paid": 7, "declined": 1,
                 "cancelled": 1, "expired": 0, "still_open": 1, "lost_at_payment": 2,
                 "conversion_percent": 70.0, "enrollment_conversion_percent": 70.0}),
    (ALGEBRA, {"enrollments": 22, "checkouts_started": 20, "paid": 16, "declined": 2,
               "cancelled": 1, "expired": 1, "still_open": 0, "lost_at_payment": 4,
               "conversion_percent": 80.0, "enrollment_conversion_percent": 72.7}),
]
DECLINES = [("payment_declined", 5), ("insufficient_funds", 4)]  # no code: payment_declined
CANCELS = [("payment_cancelled", 4)]
# 29 durations: 20 30 35 40 45 60 60 65 75 90 95 120 120 130 [150] 180 200 240 300 360
# 420 500 600 700 800 900 [1000] 1200 3600 -> p50 is the 15th, p90 the 27th.
TIME_TO_PAY = {"paid": 29, "p50_seconds": 150, "p90_seconds": 1000}
REFUNDS = {"currency": "ZAR", "paid": 29, "refunded": 4, "amount_minor": 150_000,
           "rate_percent": 13.8}  # 4 / 29
REVENUE = [  # day, paid, captured, refunded, net
    ("2026-03-02", 9, 520_000, 0, 520_000),
    ("2026-03-03", 8, 390_000, 80_000, 310_000),
    ("2026-03-04", 12, 630_000, 70_000, 560_000),
]
# Biology alone: its 6 paid took 40 75 [500] 800 1200 [3600] seconds.
BIOLOGY_TIME_TO_PAY = {"paid": 6, "p50_seconds": 500, "p90_seconds": 3600}
BIOLOGY_DECLINES = [("payment_declined", 4), ("insufficient_funds", 2)]


def _at(text: str) -> datetime:
    return datetime.strptime(f"2026-{text}", "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def _entities(n: int, row: Row) -> tuple[Enrollment, Payment]:
    at, actor = _at(row.at), "service:fixture"
    price = Money(PRICE[row.course], "ZAR")
    enrollment = Enrollment.create(enrollment_id=f"enr-fx-{n:02d}", student_id=f"stu-fx-{n:02d}",
                                   course_id=row.course, price=price, at=at, actor=actor)
    payment = Payment.create(payment_id=f"pay-fx-{n:02d}", enrollment_id=enrollment.id,
                             student_id=enrollment.student_id, amount=price, at=at,
                             actor=actor)
    paylink = f"pl-fx-{n:02d}"
    payment.attach_paylink(paylink_id=paylink, checkout_url=f"https://pay.example/{paylink}",
                           expires_at=at + timedelta(hours=2), at=at, actor=actor)
    ended = at + timedelta(seconds=row.seconds or 300)
    gateway = "gateway:fixture"
    if row.outcome == "paid":
        payment.apply_gateway_report(GatewayReport(paylink, GatewayStatus.SUCCESS, payment.id,
                                                   price), at=ended, actor=gateway)
        enrollment.activate(payment_id=payment.id, at=ended, actor=gateway)
        if row.refund:
            refund = Money(row.refund, "ZAR")
            payment.reserve_refund(refund)
            payment.complete_refund(refund, at=ended + timedelta(days=1), actor="admin:fx")
    elif row.outcome in ("declined", "cancelled"):
        status = GatewayStatus.FAILURE if row.outcome == "declined" else GatewayStatus.CANCELLED
        payment.apply_gateway_report(GatewayReport(paylink, status, payment.id,
                                                   failure_code=row.code),
                                     at=ended, actor=gateway)
    elif row.outcome == "expired":
        payment.expire(at=ended, actor="system")
    return enrollment, payment


async def seed(uow_factory: Any) -> None:
    """Store the fixture through the unit of work (any storage: memory, SQLite,
    PostgreSQL); the audit trail gets each transition at its own time."""
    for n, row in enumerate(ROWS):
        enrollment, payment = _entities(n, row)
        async with uow_factory() as uow:
            await uow.enrollments.add(enrollment)
            await uow.payments.add(payment)
            await uow.commit()
    for n, (course, at) in enumerate(ABANDONED, start=len(ROWS)):
        enrollment = Enrollment.create(
            enrollment_id=f"enr-fx-{n:02d}", student_id=f"stu-fx-{n:02d}", course_id=course,
            price=Money(PRICE[course], "ZAR"), at=_at(at), actor="service:fixture")
        async with uow_factory() as uow:
            await uow.enrollments.add(enrollment)
            await uow.commit()
