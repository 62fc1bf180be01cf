"""Analytics over the in-memory store: the reference for what the SQL adapter answers."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime

from adapters.memory.store import MemoryStore
from application.ports import (
    DEFAULT_REASON,
    PAID_STATUSES,
    AnalyticsFacts,
    AnalyticsRange,
    CourseStatusCount,
    DayRevenue,
    ReasonCount,
    TimeToPay,
    time_to_pay_of,
)
from domain.payment import Payment


class MemoryAnalyticsQueries:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def _in(self, at: datetime, period: AnalyticsRange) -> bool:
        return period.start <= at < period.end

    async def facts(self, period: AnalyticsRange) -> AnalyticsFacts:
        store = self._store
        enrollments = Counter(
            e.course_id for e in store.enrollments.values()
            if self._in(e.created_at, period)
            and period.course_id in (None, e.course_id))
        course_of = {e.id: e.course_id for e in store.enrollments.values()}
        payments: list[Payment] = [
            p for p in store.payments.values() if self._in(p.created_at, period)
            and period.course_id in (None, course_of.get(p.enrollment_id))]
        checkouts = Counter((course_of[p.enrollment_id], p.status.value) for p in payments)
        reasons = Counter((p.status.value, p.failure_code or DEFAULT_REASON[p.status.value])
                          for p in payments if p.status.value in DEFAULT_REASON)
        revenue: dict[tuple[str, str], list[int]] = {}
        for p in payments:
            if p.status.value in PAID_STATUSES:
                line = revenue.setdefault((p.created_at.astimezone(UTC).date().isoformat(),
                                           p.amount.currency), [0, 0, 0, 0])
                line[0] += 1
                line[1] += p.captured_minor
                line[2] += p.refunded_minor > 0
                line[3] += p.refunded_minor
        return AnalyticsFacts(
            enrollments=dict(sorted(enrollments.items())),
            checkouts=[CourseStatusCount(c, s, n) for (c, s), n in sorted(checkouts.items())],
            reasons=[ReasonCount(s, r, n) for (s, r), n in sorted(reasons.items())],
            revenue=[DayRevenue(datetime.fromisoformat(d).date(), cur, *line)
                     for (d, cur), line in sorted(revenue.items())],
            time_to_pay=self._time_to_pay(payments))

    def _time_to_pay(self, payments: list[Payment]) -> TimeToPay:
        cohort = {p.id: p.created_at for p in payments if p.status.value in PAID_STATUSES}
        paid_at: dict[str, datetime] = {}
        for entry in self._store.audit:
            if (entry.entity == "payment" and entry.to_status == "succeeded"
                    and entry.entity_id in cohort):
                first = paid_at.get(entry.entity_id)
                paid_at[entry.entity_id] = entry.at if first is None else min(first, entry.at)
        seconds = Counter(math.floor((at - cohort[pid]).total_seconds() + 0.5)
                          for pid, at in paid_at.items())
        return time_to_pay_of(seconds.items())
