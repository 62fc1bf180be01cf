"""What an operator sees of the payment analytics, on both stacks (features/analytics):
`memory` runs the use-case on the memory store; `http` asks the product's API as an
admin. Mixins of MemoryDriver and HttpDriver."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from adapters.memory.analytics import MemoryAnalyticsQueries
from application.use_cases.analytics import AnalyticsQuery, GetAnalytics
from tests.support.world import ADMIN

WEEK = 7  # days, today included


@dataclass(frozen=True)
class AnalyticsView:
    losing_most: str | None  # a course id
    paid_of_checkouts: dict[str, tuple[int, int]]  # course id -> (paid, checkouts started)
    declines: dict[str, int]  # reason -> count


def _days(now: datetime) -> tuple[str, str]:
    today = now.astimezone(UTC).date()
    return (today - timedelta(days=WEEK - 1)).isoformat(), today.isoformat()


class MemoryAnalyticsActions:
    world: Any

    if TYPE_CHECKING:
        def run(self, coro: Any) -> Any:
            ...

    def analytics_last_week(self) -> AnalyticsView:
        start, end = _days(self.world.clock.now())
        since = datetime.fromisoformat(start).replace(tzinfo=UTC)
        until = datetime.fromisoformat(end).replace(tzinfo=UTC) + timedelta(days=1)
        found = self.run(GetAnalytics(MemoryAnalyticsQueries(self.world.store))(
            AnalyticsQuery(ADMIN, since, until)))
        worst = found.losing_most
        return AnalyticsView(
            worst.course_id if worst else None,
            {c.course_id: (c.funnel.paid, c.funnel.checkouts) for c in found.courses},
            {r.reason: r.count for r in found.declines})


class HttpAnalyticsActions:
    if TYPE_CHECKING:
        def call(self, method: str, path: str, who: str = "admin-1", role: str = "admin",
                 key: str | None = None, **kw: Any) -> tuple[int, Any]:
            ...

    def analytics_last_week(self) -> AnalyticsView:
        start, end = _days(datetime.now(UTC))
        status, body = self.call("GET", f"/api/v1/analytics?from={start}&to={end}")
        assert status == 200, body
        return AnalyticsView(
            body["losing_most_at_payment"],
            {c["course_id"]: (c["funnel"]["paid"], c["funnel"]["checkouts_started"])
             for c in body["courses"]},
            {r["reason"]: r["count"] for r in body["declines"]})
