"""Payment analytics for a date range, overall and per course (admin).

What each figure means (docs/api.md "Analytics"):
- the cohort is the checkouts (payments) started in [start, end); `enrollments` counts
  the enrollments created in the same range;
- a checkout ends `paid` (succeeded, even if refunded later), `declined` (failed),
  `cancelled`, `expired`, or is still `open` (created or pending);
- conversion is paid / checkouts; `lost` checkouts are the declined, cancelled and
  expired ones. The course that loses the most buyers at payment is the one with the
  lowest conversion (then the most lost checkouts, then its id);
- time to pay runs from the checkout's start to its confirmation, p50 and p90
  (nearest rank) over the paid checkouts;
- refunds are the paid checkouts of the cohort refunded since, fully or in part: count,
  amount, and rate = refunded / paid;
- revenue by day is the money captured for the cohort's paid checkouts, by the UTC day
  the checkout started, every day of the range (0 where nothing was paid).

Rates are returned as exact counts; percentages are computed where they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

from application.actor import Actor, Role
from application.errors import InvalidInput
from application.ports import (
    OUTCOME_OF,
    AnalyticsQueries,
    AnalyticsRange,
    DayRevenue,
    ReasonCount,
    TimeToPay,
)

MAX_DAYS = 92
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)
MAX_COURSE_ID = 64


@dataclass(frozen=True, slots=True)
class Funnel:
    enrollments: int = 0
    checkouts: int = 0
    paid: int = 0
    declined: int = 0
    cancelled: int = 0
    expired: int = 0
    open: int = 0

    @property
    def lost(self) -> int:
        """Checkouts that ended without payment."""
        return self.declined + self.cancelled + self.expired

    @property
    def conversion(self) -> Fraction | None:
        """paid / checkouts; None without checkouts."""
        return Fraction(self.paid, self.checkouts) if self.checkouts else None

    @property
    def enrollment_conversion(self) -> Fraction | None:
        """paid / enrollments; None without enrollments."""
        return Fraction(self.paid, self.enrollments) if self.enrollments else None


@dataclass(frozen=True, slots=True)
class CourseFunnel:
    course_id: str
    funnel: Funnel


@dataclass(frozen=True, slots=True)
class RefundTotal:
    currency: str
    paid: int
    refunded: int
    amount_minor: int

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.refunded, self.paid) if self.paid else None


@dataclass(frozen=True, slots=True)
class Analytics:
    start: datetime
    end: datetime
    course_id: str | None
    totals: Funnel
    courses: list[CourseFunnel]  # lowest conversion first: the first loses the most
    declines: list[ReasonCount]  # most frequent first
    cancels: list[ReasonCount]
    time_to_pay: TimeToPay
    refunds: list[RefundTotal]  # one per currency paid in
    revenue: list[DayRevenue]  # every day of the range, per currency paid in

    @property
    def losing_most(self) -> CourseFunnel | None:
        """The course that loses the most buyers at payment (None when no course lost
        any checkout)."""
        worst = self.courses[0] if self.courses else None
        return worst if worst is not None and worst.funnel.lost else None


@dataclass(frozen=True, slots=True)
class AnalyticsQuery:
    actor: Actor
    start: datetime
    end: datetime
    course_id: str | None = None


def days_of(start: datetime, end: datetime) -> list[date]:
    """The UTC days that [start, end) touches."""
    first, last = start.astimezone(UTC).date(), (end - timedelta(microseconds=1)).astimezone(
        UTC).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def check_range(query: AnalyticsQuery) -> AnalyticsRange:
    start, end = query.start, query.end
    if start.utcoffset() is None or end.utcoffset() is None:
        raise InvalidInput("from and to need a timezone (a date is a UTC day)")
    if not (EARLIEST <= start and end <= LATEST):
        raise InvalidInput("dates must lie between 2000-01-01 and 2999-12-31")
    if start >= end:
        raise InvalidInput("from must be before to")
    if end - start > timedelta(days=MAX_DAYS):
        raise InvalidInput(f"a range covers at most {MAX_DAYS} days")
    course = query.course_id
    if course is not None and not (0 < len(course) <= MAX_COURSE_ID and course.isprintable()):
        raise InvalidInput(f"course_id is 1 to {MAX_COURSE_ID} printable characters")
    return AnalyticsRange(start.astimezone(UTC), end.astimezone(UTC), course)


def _funnel(counts: dict[str, int], enrollments: int) -> Funnel:
    return Funnel(enrollments=enrollments, checkouts=sum(counts.values()),
                  paid=counts.get("paid", 0), declined=counts.get("declined", 0),
                  cancelled=counts.get("cancelled", 0), expired=counts.get("expired", 0),
                  open=counts.get("open", 0))


def _worst_first(c: CourseFunnel) -> tuple[Fraction, int, str]:
    conversion = c.funnel.conversion
    return (Fraction(2) if conversion is None else conversion, -c.funnel.lost, c.course_id)


def _revenue(found: list[DayRevenue], days: list[date]) -> list[DayRevenue]:
    by_key = {(r.day, r.currency): r for r in found}
    currencies = sorted({r.currency for r in found})
    return [by_key.get((d, cur)) or DayRevenue(d, cur, 0, 0, 0, 0)
            for cur in currencies for d in days]


class GetAnalytics:
    def __init__(self, queries: AnalyticsQueries) -> None:
        self._queries = queries

    async def __call__(self, query: AnalyticsQuery) -> Analytics:
        query.actor.require(Role.ADMIN)
        period = check_range(query)
        facts = await self._queries.facts(period)
        per_course: dict[str, dict[str, int]] = {c: {} for c in facts.enrollments}
        for line in facts.checkouts:
            outcomes = per_course.setdefault(line.course_id, {})
            outcome = OUTCOME_OF.get(line.status, "open")
            outcomes[outcome] = outcomes.get(outcome, 0) + line.count
        courses = sorted((CourseFunnel(c, _funnel(o, facts.enrollments.get(c, 0)))
                          for c, o in per_course.items()), key=_worst_first)
        totals = Funnel(*(sum(getattr(c.funnel, f) for c in courses) for f in (
            "enrollments", "checkouts", "paid", "declined", "cancelled", "expired", "open")))
        reasons = sorted(facts.reasons, key=lambda r: (-r.count, r.reason))
        revenue = _revenue(facts.revenue, days_of(period.start, period.end))
        refunds = [RefundTotal(cur, sum(r.paid for r in revenue if r.currency == cur),
                               sum(r.refunded for r in revenue if r.currency == cur),
                               sum(r.refunded_minor for r in revenue if r.currency == cur))
                   for cur in sorted({r.currency for r in revenue})]
        return Analytics(
            start=period.start, end=period.end, course_id=period.course_id, totals=totals,
            courses=courses,
            declines=[r for r in reasons if r.status == "failed"],
            cancels=[r for r in reasons if r.status == "cancelled"],
            time_to_pay=facts.time_to_pay, refunds=refunds, revenue=revenue)

