"""The whole UTC days of an analytics range, read from the daily rollups.

The rollups (analytics_tables.py) are kept exact in the transaction of every write
(analytics_rollup.py), so a range of whole days is five grouped reads of a few rows per
day, whatever the number of payments behind them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.analytics_sums import AnalyticsSums
from adapters.sql.analytics_tables import CheckoutDayRow, EnrollmentDayRow, TimeToPayDayRow
from application.ports import DEFAULT_REASON, PAID_STATUSES

_CD = CheckoutDayRow.__table__  # type: ignore[attr-defined]
_TD = TimeToPayDayRow.__table__  # type: ignore[attr-defined]
_ED = EnrollmentDayRow.__table__  # type: ignore[attr-defined]
_PAID = sorted(PAID_STATUSES)


async def add_whole_days(conn: AsyncConnection, days: tuple[date, date], course: str | None,
                         sums: AnalyticsSums) -> None:
    """Add the days [first, last) of `days` (of one course, or all) to `sums`."""
    def of(table: Any, statement: Any) -> Any:
        statement = statement.where(table.c.day >= days[0], table.c.day < days[1])
        return statement if course is None else statement.where(table.c.course_id == course)

    found = await conn.execute(of(_ED, select(_ED.c.course_id, func.sum(_ED.c.enrollments))
                                      .group_by(_ED.c.course_id)))
    sums.enrollments.update({c: int(n) for c, n in found.all()})
    found = await conn.execute(of(_CD, select(_CD.c.course_id, _CD.c.status,
                                              func.sum(_CD.c.checkouts))
                                      .group_by(_CD.c.course_id, _CD.c.status)))
    sums.checkouts.update({(c, s): int(n) for c, s, n in found.all()})
    found = await conn.execute(of(_CD, select(_CD.c.status, _CD.c.failure_code,
                                              func.sum(_CD.c.checkouts))
                                      .where(_CD.c.status.in_(sorted(DEFAULT_REASON)))
                                      .group_by(_CD.c.status, _CD.c.failure_code)))
    for status, code, n in found.all():
        sums.reasons[(status, code or DEFAULT_REASON[status])] += int(n)
    found = await conn.execute(of(_CD, select(
        _CD.c.day, _CD.c.currency, func.sum(_CD.c.checkouts), func.sum(_CD.c.captured_minor),
        func.sum(_CD.c.refunded), func.sum(_CD.c.refunded_minor))
        .where(_CD.c.status.in_(_PAID)).group_by(_CD.c.day, _CD.c.currency)))
    for day, currency, *values in found.all():
        sums.add_revenue(day, currency, *values)
    found = await conn.execute(of(_TD, select(_TD.c.seconds, func.sum(_TD.c.paid))
                                      .group_by(_TD.c.seconds)))
    sums.seconds.update({int(s): int(n) for s, n in found.all()})
