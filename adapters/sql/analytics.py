"""Payment analytics in SQL that runs on SQLite and PostgreSQL (SQLAlchemy Core).

A range is read in two parts: its whole UTC days from the daily rollups
(analytics_from_rollups.py; analytics_tables.py, kept exact by the unit of work in the
transaction of every write: analytics_rollup.py), and the partial days at its edges, if
any, live from the rows (analytics_from_rows.py). Each part answers five grouped queries
on one connection: checkouts per course and status, enrollments per course, decline and
cancel reasons, revenue per UTC day and currency, and a histogram of whole seconds to
pay, from which the percentiles are read exactly (nearest rank) in Python. The two parts
add up (analytics_sums.py; bench/analytics.py measures a 30-day range at 1,000,000
payments; docs/benchmarks.md).

The expressions that differ between the engines (the UTC day of a timestamp, and the
seconds between two) are compiled per dialect in analytics_expressions.py; nothing else
is engine-specific.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.analytics_from_rollups import add_whole_days
from adapters.sql.analytics_from_rows import add_partial_days
from adapters.sql.analytics_sums import AnalyticsSums
from adapters.sql.unavailable import connect
from application.ports import AnalyticsFacts, AnalyticsRange

_DAY = timedelta(days=1)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def split(period: AnalyticsRange) -> tuple[list[tuple[datetime, datetime]],
                                             tuple[date, date] | None]:
    """The partial days at the edges of a range (read live), and its whole UTC days
    [first, last) (read from the rollups), if it has any."""
    start, end = period.start.astimezone(UTC), period.end.astimezone(UTC)
    first = start.date() if start == _midnight(start.date()) else start.date() + _DAY
    last = end.date()
    if first >= last:
        return [(start, end)], None
    edges = [(a, b) for a, b in ((start, _midnight(first)), (_midnight(last), end)) if a < b]
    return edges, (first, last)


class SqlAnalyticsQueries:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def facts(self, period: AnalyticsRange) -> AnalyticsFacts:
        sums = AnalyticsSums()
        edges, days = split(period)
        async with connect(self._engine) as conn:
            if days is not None:
                await add_whole_days(conn, days, period.course_id, sums)
            for start, end in edges:
                await add_partial_days(conn, start, end, period.course_id, sums)
        return sums.facts()
