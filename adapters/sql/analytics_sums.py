"""What the parts of an analytics range add up to.

A range is read in parts (its whole days from the rollups, its partial edge days live
from the rows: analytics.py); each part adds its grouped counts here, and the facts are
made once every part is in, so the parts never need to know about each other.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from application.ports import (
    AnalyticsFacts,
    CourseStatusCount,
    DayRevenue,
    ReasonCount,
    time_to_pay_of,
)


class AnalyticsSums:
    """What the parts of a range add up to; the facts once every part is in."""

    def __init__(self) -> None:
        self.enrollments: Counter[str] = Counter()
        self.checkouts: Counter[tuple[str, str]] = Counter()
        self.reasons: Counter[tuple[str, str]] = Counter()
        self.revenue: dict[tuple[date, str], list[int]] = {}
        self.seconds: Counter[int] = Counter()

    def add_revenue(self, day: date, currency: str, *values: Any) -> None:
        line = self.revenue.setdefault((day, currency), [0, 0, 0, 0])
        for i, v in enumerate(values):
            line[i] += int(v or 0)

    def facts(self) -> AnalyticsFacts:
        # A rollup row can sum to zero (every checkout of it moved on): never a figure.
        return AnalyticsFacts(
            enrollments={c: n for c, n in sorted(self.enrollments.items()) if n},
            checkouts=[CourseStatusCount(c, s, n)
                       for (c, s), n in sorted(self.checkouts.items()) if n],
            reasons=[ReasonCount(s, r, n) for (s, r), n in sorted(self.reasons.items()) if n],
            revenue=[DayRevenue(d, cur, *line) for (d, cur), line in
                     sorted(self.revenue.items()) if line[0]],
            time_to_pay=time_to_pay_of((s, n) for s, n in self.seconds.items() if n))
