"""Wire types of the analytics endpoint, the range it reads from `from`/`to`, and the
tables (one per section) that the console shows and exports as CSV.

Money is integer minor units with its currency. Rates are percentages with one decimal,
computed here from the exact counts (null when there is nothing to divide by).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import msgspec

from application.errors import InvalidInput
from application.use_cases.analytics import Analytics, Funnel


def percent(rate: Fraction | None) -> float | None:
    """A rate as a percentage rounded half up to one decimal (None stays None)."""
    if rate is None:
        return None
    tenths = rate * 1000
    return float((tenths.numerator * 2 + tenths.denominator) // (2 * tenths.denominator)) / 10


def _instant(text: str, name: str, *, is_end: bool) -> datetime:
    """`YYYY-MM-DD` is that UTC day (`to` includes the whole day); a datetime must carry
    its offset (`2026-01-31T00:00:00Z`, exclusive as `to`): a naive one is refused."""
    text = text.strip()
    if len(text) == 10:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise InvalidInput(f"{name} must be a date like 2026-01-31") from None
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return start + timedelta(days=1) if is_end else start
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{name} must be a date like 2026-01-31 or a datetime with a "
                           "timezone offset") from None
    if value.utcoffset() is None:
        raise InvalidInput(f"{name} has no timezone: give a date (a UTC day) or a datetime "
                           "with an offset, e.g. 2026-01-31T00:00:00+02:00")
    return value.astimezone(UTC)


def parse_range(start: str, end: str) -> tuple[datetime, datetime]:
    return _instant(start, "from", is_end=False), _instant(end, "to", is_end=True)


class FunnelOut(msgspec.Struct, frozen=True, kw_only=True):
    enrollments: int
    checkouts_started: int
    paid: int
    declined: int
    cancelled: int
    expired: int
    still_open: int
    lost_at_payment: int
    conversion_percent: float | None  # paid / checkouts started
    enrollment_conversion_percent: float | None  # paid / enrollments

    @classmethod
    def of(cls, f: Funnel) -> FunnelOut:
        return cls(enrollments=f.enrollments, checkouts_started=f.checkouts, paid=f.paid,
                   declined=f.declined, cancelled=f.cancelled, expired=f.expired,
                   still_open=f.open, lost_at_payment=f.lost,
                   conversion_percent=percent(f.conversion),
                   enrollment_conversion_percent=percent(f.enrollment_conversion))


class CourseOut(msgspec.Struct, frozen=True, kw_only=True):
    course_id: str
    funnel: FunnelOut


class ReasonOut(msgspec.Struct, frozen=True, kw_only=True):
    reason: str
    count: int


class TimeToPayOut(msgspec.Struct, frozen=True, kw_only=True):
    paid: int
    p50_seconds: int | None
    p90_seconds: int | None


class RefundsOut(msgspec.Struct, frozen=True, kw_only=True):
    currency: str
    paid: int
    refunded: int
    amount_minor: int
    rate_percent: float | None  # refunded / paid


class DayOut(msgspec.Struct, frozen=True, kw_only=True):
    day: date
    currency: str
    paid: int
    amount_minor: int
    refunded_minor: int
    net_minor: int


class AnalyticsOut(msgspec.Struct, frozen=True, kw_only=True):
    start: datetime
    end: datetime
    course_id: str | None
    funnel: FunnelOut
    courses: list[CourseOut]  # lowest conversion first
    losing_most_at_payment: str | None
    declines: list[ReasonOut]
    cancels: list[ReasonOut]
    time_to_pay: TimeToPayOut
    refunds: list[RefundsOut]
    revenue_by_day: list[DayOut]

    @classmethod
    def of(cls, a: Analytics) -> AnalyticsOut:
        t = a.time_to_pay
        worst = a.losing_most
        return cls(
            start=a.start, end=a.end, course_id=a.course_id, funnel=FunnelOut.of(a.totals),
            courses=[CourseOut(course_id=c.course_id, funnel=FunnelOut.of(c.funnel))
                     for c in a.courses],
            losing_most_at_payment=worst.course_id if worst else None,
            declines=msgspec.convert(a.declines, list[ReasonOut], from_attributes=True),
            cancels=msgspec.convert(a.cancels, list[ReasonOut], from_attributes=True),
            time_to_pay=TimeToPayOut(paid=t.paid, p50_seconds=t.p50_s if t.paid else None,
                                     p90_seconds=t.p90_s if t.paid else None),
            refunds=[RefundsOut(currency=r.currency, paid=r.paid, refunded=r.refunded,
                                amount_minor=r.amount_minor, rate_percent=percent(r.rate))
                     for r in a.refunds],
            revenue_by_day=[DayOut(day=d.day, currency=d.currency, paid=d.paid,
                                   amount_minor=d.amount_minor,
                                   refunded_minor=d.refunded_minor,
                                   net_minor=d.amount_minor - d.refunded_minor)
                            for d in a.revenue])


_FUNNEL_COLUMNS = ("enrollments", "checkouts_started", "paid", "declined", "cancelled",
                   "expired", "still_open", "lost_at_payment", "conversion_percent",
                   "enrollment_conversion_percent")


def _funnel_cells(f: FunnelOut) -> list[object]:
    return [getattr(f, name) for name in _FUNNEL_COLUMNS]


def tables(out: AnalyticsOut) -> dict[str, tuple[tuple[str, ...], list[list[object]]]]:
    """Every section as (header, rows): what the page shows and each CSV holds."""
    t = out.time_to_pay
    return {
        "funnel": (_FUNNEL_COLUMNS, [_funnel_cells(out.funnel)]),
        "courses": (("course_id", *_FUNNEL_COLUMNS),
                    [[c.course_id, *_funnel_cells(c.funnel)] for c in out.courses]),
        "declines": (("reason", "count"), [[r.reason, r.count] for r in out.declines]),
        "cancels": (("reason", "count"), [[r.reason, r.count] for r in out.cancels]),
        "time_to_pay": (("paid", "p50_seconds", "p90_seconds"),
                        [[t.paid, t.p50_seconds, t.p90_seconds]]),
        "refunds": (("currency", "paid", "refunded", "amount_minor", "rate_percent"),
                    [[r.currency, r.paid, r.refunded, r.amount_minor, r.rate_percent]
                     for r in out.refunds]),
        "revenue": (("day", "currency", "paid", "amount_minor", "refunded_minor", "net_minor"),
                    [[d.day.isoformat(), d.currency, d.paid, d.amount_minor, d.refunded_minor,
                      d.net_minor] for d in out.revenue_by_day]),
    }
