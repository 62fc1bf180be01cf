"""What the `AnalyticsQueries` port answers, and the rules both adapters read it by.

Every figure is about one cohort: the checkouts (payments) started in [start, end), and,
for the enrollment count, the enrollments created in that range; with `course_id`, only
that course's. Money stays integer minor units with its currency.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType

# The outcome of a checkout, from the payment's status.
PAID_STATUSES = frozenset({"succeeded", "partially_refunded", "refunded"})
OUTCOME_OF = MappingProxyType({
    "succeeded": "paid", "partially_refunded": "paid", "refunded": "paid",
    "failed": "declined", "cancelled": "cancelled", "expired": "expired",
    "created": "open", "pending": "open"})
# A reason when the payment has no failure code of its own (as the stats page reads them).
DEFAULT_REASON = MappingProxyType({"failed": "payment_declined",
                                   "cancelled": "payment_cancelled"})


@dataclass(frozen=True, slots=True)
class AnalyticsRange:
    start: datetime  # inclusive, UTC-aware
    end: datetime  # exclusive, UTC-aware
    course_id: str | None = None


@dataclass(frozen=True, slots=True)
class CourseStatusCount:
    """Checkouts of one course that are in one payment status."""

    course_id: str
    status: str
    count: int


@dataclass(frozen=True, slots=True)
class ReasonCount:
    status: str  # failed | cancelled
    reason: str  # the failure code, or DEFAULT_REASON[status]
    count: int


@dataclass(frozen=True, slots=True)
class DayRevenue:
    """Paid checkouts started on one UTC day, in one currency."""

    day: date
    currency: str
    paid: int
    amount_minor: int  # captured
    refunded: int  # of those, payments refunded (fully or in part)
    refunded_minor: int


@dataclass(frozen=True, slots=True)
class TimeToPay:
    """Seconds from the checkout's start to the payment's confirmation (the first
    `succeeded` in the audit trail), nearest-rank percentiles; 0 when `paid` is 0."""

    paid: int
    p50_s: int
    p90_s: int


@dataclass(frozen=True, slots=True)
class AnalyticsFacts:
    enrollments: dict[str, int]  # course_id -> enrollments created in the range
    checkouts: list[CourseStatusCount]
    reasons: list[ReasonCount]
    revenue: list[DayRevenue]
    time_to_pay: TimeToPay


def nearest_rank(count: int, percent: int) -> int:
    """The 1-based position of the `percent`th percentile among `count` sorted values."""
    return max(1, min(count, -(-count * percent // 100)))


def time_to_pay_of(histogram: Iterable[tuple[int, int]]) -> TimeToPay:
    """p50 and p90 (nearest rank) of the values a (value, count) histogram describes."""
    ordered = sorted(histogram)
    total = sum(n for _, n in ordered)
    if not total:
        return TimeToPay(0, 0, 0)
    wanted = {50: nearest_rank(total, 50), 90: nearest_rank(total, 90)}
    found: dict[int, int] = {}
    seen = 0
    for value, n in ordered:
        seen += n
        for p, rank in wanted.items():
            if p not in found and seen >= rank:
                found[p] = value
    return TimeToPay(total, found[50], found[90])
