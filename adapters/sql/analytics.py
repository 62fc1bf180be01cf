"""Payment analytics in SQL that runs on SQLite and PostgreSQL (SQLAlchemy Core).

Five grouped queries on one connection, each answered from an index alone
(`ix_payments_analytics`, `ix_enrollments_analytics`, `ix_enrollments_course`,
`ix_audit_entries_transition`; bench/analytics.py measures them at 1,000,000 payments):
checkouts per course and status, enrollments per course, decline and cancel reasons,
revenue per UTC day and currency, and a histogram of whole seconds to pay, from which
the percentiles are read exactly (nearest rank) in Python: at most one row per distinct
second, so the answer stays small however many payments there are.

The two expressions that differ between the engines (the UTC day of a timestamp, and the
seconds between two) are compiled per dialect below; nothing else is engine-specific.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Integer, String, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from adapters.sql.record_tables import AuditEntryRow
from adapters.sql.tables import EnrollmentRow, PaymentRow
from application.ports_analytics import (
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
from domain.payment import PaymentStatus

_P = PaymentRow.__table__  # type: ignore[attr-defined]
_E = EnrollmentRow.__table__  # type: ignore[attr-defined]
_A = AuditEntryRow.__table__  # type: ignore[attr-defined]
# Every status, listed: the analytics index leads with the status, and an IN list lets
# both engines read one slice of it per status instead of the whole range.
_EVERY_STATUS = sorted(s.value for s in PaymentStatus)
_PAID = sorted(PAID_STATUSES)


class utc_day(FunctionElement[str]):
    """The UTC calendar day of a timestamp, as 'YYYY-MM-DD'."""

    type = String()
    inherit_cache = True


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    # Timestamps are stored as naive UTC text ('YYYY-MM-DD HH:MM:SS...').
    return f"date({compiler.process(next(iter(element.clauses)), **kw)})"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(next(iter(element.clauses)), **kw)
    return f"to_char(({column}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


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


class SqlAnalyticsQueries:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def facts(self, period: AnalyticsRange) -> AnalyticsFacts:
        async with self._engine.connect() as conn:
            return AnalyticsFacts(
                enrollments=await self._enrollments(conn, period),
                checkouts=await self._checkouts(conn, period),
                reasons=await self._reasons(conn, period),
                revenue=await self._revenue(conn, period),
                time_to_pay=await self._time_to_pay(conn, period))

    @staticmethod
    def _payments(period: AnalyticsRange, statuses: list[str]) -> list[Any]:
        return [_P.c.status.in_(statuses), _P.c.created_at >= period.start,
                _P.c.created_at < period.end]

    @staticmethod
    def _of_course(statement: Any, period: AnalyticsRange) -> Any:
        if period.course_id is None:
            return statement
        return statement.join(_E, _E.c.id == _P.c.enrollment_id).where(
            _E.c.course_id == period.course_id)

    async def _enrollments(self, conn: AsyncConnection,
                           period: AnalyticsRange) -> dict[str, int]:
        statement = (select(_E.c.course_id, func.count())
                     .where(_E.c.created_at >= period.start, _E.c.created_at < period.end)
                     .group_by(_E.c.course_id).order_by(_E.c.course_id))
        if period.course_id is not None:
            statement = statement.where(_E.c.course_id == period.course_id)
        return {course: int(n) for course, n in (await conn.execute(statement)).all()}

    async def _checkouts(self, conn: AsyncConnection,
                         period: AnalyticsRange) -> list[CourseStatusCount]:
        statement = (select(_E.c.course_id, _P.c.status, func.count())
                     .select_from(_P.join(_E, _E.c.id == _P.c.enrollment_id))
                     .where(*self._payments(period, _EVERY_STATUS))
                     .group_by(_E.c.course_id, _P.c.status)
                     .order_by(_E.c.course_id, _P.c.status))
        if period.course_id is not None:
            statement = statement.where(_E.c.course_id == period.course_id)
        return [CourseStatusCount(c, s, int(n)) for c, s, n in
                (await conn.execute(statement)).all()]

    async def _reasons(self, conn: AsyncConnection, period: AnalyticsRange) -> list[ReasonCount]:
        statement = self._of_course(
            select(_P.c.status, _P.c.failure_code, func.count()).select_from(_P), period
        ).where(*self._payments(period, sorted(DEFAULT_REASON))).group_by(
            _P.c.status, _P.c.failure_code)
        merged: dict[tuple[str, str], int] = {}
        for status, code, n in (await conn.execute(statement)).all():
            key = (status, code or DEFAULT_REASON[status])
            merged[key] = merged.get(key, 0) + int(n)
        return [ReasonCount(s, r, n) for (s, r), n in sorted(merged.items())]

    async def _revenue(self, conn: AsyncConnection, period: AnalyticsRange) -> list[DayRevenue]:
        day = utc_day(_P.c.created_at)
        refunded = case((_P.c.refunded_minor > 0, 1), else_=0)
        statement = self._of_course(
            select(day, _P.c.currency, func.count(), func.sum(_P.c.captured_minor),
                   func.sum(refunded), func.sum(_P.c.refunded_minor)).select_from(_P), period
        ).where(*self._payments(period, _PAID)).group_by(day, _P.c.currency).order_by(
            day, _P.c.currency)
        return [DayRevenue(date.fromisoformat(d), cur, int(n), int(amount or 0), int(back or 0),
                           int(back_minor or 0))
                for d, cur, n, amount, back, back_minor in (await conn.execute(statement)).all()]

    async def _time_to_pay(self, conn: AsyncConnection, period: AnalyticsRange) -> TimeToPay:
        seconds = whole_seconds_between(_A.c.at, _P.c.created_at)
        paid = and_(_A.c.entity_id == _P.c.id, _A.c.to_status == "succeeded",
                    _A.c.entity == "payment")
        statement = self._of_course(
            select(seconds, func.count()).select_from(_P.join(_A, paid)), period
        ).where(*self._payments(period, _PAID)).group_by(seconds)
        return time_to_pay_of([(int(s), int(n)) for s, n in (await conn.execute(statement)).all()])
