"""Payment analytics in SQL that runs on SQLite and PostgreSQL (SQLAlchemy Core).

A range is read in two parts: its whole UTC days from the daily rollups
(analytics_tables.py, kept exact by the unit of work in the transaction of every write:
analytics_rollup.py), and the partial days at its edges, if any, live from the rows.
Each part answers five grouped queries on one connection: checkouts per course and
status, enrollments per course, decline and cancel reasons, revenue per UTC day and
currency, and a histogram of whole seconds to pay, from which the percentiles are read
exactly (nearest rank) in Python. The two parts add up (bench/analytics.py measures a
30-day range at 1,000,000 payments; docs/benchmarks.md).

The live part reads covering indexes (`ix_payments_analytics`, `ix_enrollments_analytics`,
`ix_enrollments_course`, `ix_audit_entries_transition`). The expressions that differ
between the engines (the UTC day of a timestamp, and the seconds between two) are
compiled per dialect below; nothing else is engine-specific.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, Integer, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from adapters.sql.analytics_tables import CheckoutDayRow, EnrollmentDayRow, TimeToPayDayRow
from adapters.sql.record_tables import AuditEntryRow
from adapters.sql.tables import EnrollmentRow, PaymentRow
from adapters.sql.unavailable import connect
from application.ports import (
    DEFAULT_REASON,
    PAID_STATUSES,
    AnalyticsFacts,
    AnalyticsRange,
    CourseStatusCount,
    DayRevenue,
    ReasonCount,
    time_to_pay_of,
)
from domain.payment import PaymentStatus

_P = PaymentRow.__table__  # type: ignore[attr-defined]
_E = EnrollmentRow.__table__  # type: ignore[attr-defined]
_A = AuditEntryRow.__table__  # type: ignore[attr-defined]
_CD = CheckoutDayRow.__table__  # type: ignore[attr-defined]
_TD = TimeToPayDayRow.__table__  # type: ignore[attr-defined]
_ED = EnrollmentDayRow.__table__  # type: ignore[attr-defined]
_DAY = timedelta(days=1)
# Every status, listed: the analytics index leads with the status, and an IN list lets
# both engines read one slice of it per status instead of the whole range.
_EVERY_STATUS = sorted(s.value for s in PaymentStatus)
_PAID = sorted(PAID_STATUSES)


class utc_date(FunctionElement[date]):
    """The UTC calendar day of a timestamp, as a DATE (the rollups' key and the revenue
    days)."""

    type = Date()
    inherit_cache = True


@compiles(utc_date, "sqlite")
def _utc_date_sqlite(element: utc_date, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(next(iter(element.clauses)), **kw)})"


@compiles(utc_date, "postgresql")
def _utc_date_postgresql(element: utc_date, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(next(iter(element.clauses)), **kw)
    return f"CAST(({column}) AT TIME ZONE 'UTC' AS DATE)"


class whole_seconds_between(FunctionElement[int]):
    """(later - earlier) in seconds, rounded half up to a whole number."""

    type = Integer()
    inherit_cache = True


@compiles(whole_seconds_between, "sqlite")
def _seconds_sqlite(element: whole_seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST((julianday({later}) - julianday({earlier})) * 86400.0 + 0.5 AS INTEGER)"


@compiles(whole_seconds_between, "postgresql")
def _seconds_postgresql(element: whole_seconds_between, compiler: SQLCompiler,
                        **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({later}) - ({earlier})) + 0.5) AS BIGINT)"


class _Sums:
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
        sums = _Sums()
        edges, days = split(period)
        async with connect(self._engine) as conn:
            if days is not None:
                await self._rolled_up(conn, days, period.course_id, sums)
            for start, end in edges:
                await self._live(conn, start, end, period.course_id, sums)
        return sums.facts()

    # -- whole days, from the rollups --------------------------------------------------
    @staticmethod
    async def _rolled_up(conn: AsyncConnection, days: tuple[date, date], course: str | None,
                         sums: _Sums) -> None:
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

    # -- partial days, live from the rows ----------------------------------------------
    async def _live(self, conn: AsyncConnection, start: datetime, end: datetime,
                    course: str | None, sums: _Sums) -> None:
        def payments(statement: Any, statuses: list[str]) -> Any:
            statement = statement.where(_P.c.status.in_(statuses), _P.c.created_at >= start,
                                        _P.c.created_at < end)
            if course is None:
                return statement
            return statement.join(_E, _E.c.id == _P.c.enrollment_id).where(
                _E.c.course_id == course)

        statement = (select(_E.c.course_id, func.count())
                     .where(_E.c.created_at >= start, _E.c.created_at < end)
                     .group_by(_E.c.course_id))
        if course is not None:
            statement = statement.where(_E.c.course_id == course)
        sums.enrollments.update({c: int(n) for c, n in (await conn.execute(statement)).all()})

        statement = (select(_E.c.course_id, _P.c.status, func.count())
                     .select_from(_P.join(_E, _E.c.id == _P.c.enrollment_id))
                     .where(_P.c.status.in_(_EVERY_STATUS), _P.c.created_at >= start,
                            _P.c.created_at < end)
                     .group_by(_E.c.course_id, _P.c.status))
        if course is not None:
            statement = statement.where(_E.c.course_id == course)
        sums.checkouts.update({(c, s): int(n) for c, s, n in (await conn.execute(statement)).all()})

        statement = payments(select(_P.c.status, _P.c.failure_code, func.count()).select_from(_P),
                             sorted(DEFAULT_REASON)).group_by(_P.c.status, _P.c.failure_code)
        for status, code, n in (await conn.execute(statement)).all():
            sums.reasons[(status, code or DEFAULT_REASON[status])] += int(n)

        day = utc_date(_P.c.created_at)
        refunded = case((_P.c.refunded_minor > 0, 1), else_=0)
        statement = payments(
            select(day, _P.c.currency, func.count(), func.sum(_P.c.captured_minor),
                   func.sum(refunded), func.sum(_P.c.refunded_minor)).select_from(_P), _PAID
        ).group_by(day, _P.c.currency)
        for d, currency, *values in (await conn.execute(statement)).all():
            sums.add_revenue(d, currency, *values)

        # The first `succeeded` of each paid checkout's audit trail (index only).
        paid_at = (select(func.min(_A.c.at)).where(
            _A.c.entity_id == _P.c.id, _A.c.to_status == "succeeded", _A.c.entity == "payment")
            .scalar_subquery())
        paid = payments(select(_P.c.created_at, paid_at.label("paid_at")).select_from(_P),
                        _PAID).subquery()
        seconds = whole_seconds_between(paid.c.paid_at, paid.c.created_at)
        statement = (select(seconds, func.count()).where(paid.c.paid_at.is_not(None))
                     .group_by(seconds))
        sums.seconds.update({int(s): int(n) for s, n in (await conn.execute(statement)).all()})
