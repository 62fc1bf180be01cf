"""The risk store over a unit of work's SqlSession: its rows are the unit of work's
entities.

Counters are read with `FOR UPDATE` (ordered by id): on PostgreSQL the read opens the
unit of work's transaction and the row locks hold until its commit, so a second checkout
for the same student waits and then reads the first one's count (READ COMMITTED: the
locked row is re-read at its newest version). SQLite ignores `FOR UPDATE`; its one
writer and the version check on every counter update (a stale count loses the race, and
the use-case re-runs) keep the limit there.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select

from adapters.sql.risk_tables import RiskCounterRow, RiskFlagRow, RiskRuleRow
from adapters.sql.session import SqlSession
from adapters.sql.unit_of_work import SqlUnitOfWork
from application.ports import UnitOfWork
from domain.risk import RiskRule
from domain.risk_records import CourseProgress, RiskCounter, RiskFlag

_R = RiskRuleRow.__table__  # type: ignore[attr-defined]
_C = RiskCounterRow.__table__  # type: ignore[attr-defined]
_F = RiskFlagRow.__table__  # type: ignore[attr-defined]


class SqlRiskStore:
    def __init__(self, session: SqlSession) -> None:
        self._session = session

    async def rules(self) -> dict[str, RiskRule]:
        found = await self._session.select_entities("risk_rules", select(_R).order_by(_R.c.id))
        return {r.id: r for r in found}

    async def counters(self, ids: Sequence[str]) -> dict[str, RiskCounter]:
        known = {i: self._session.identity.get("risk_counters", i) for i in ids}
        wanted = [i for i, c in known.items() if c is None]
        found: list[RiskCounter] = []
        if wanted:
            found = await self._session.select_entities(
                "risk_counters", select(_C).where(_C.c.id.in_(wanted)).order_by(_C.c.id)
                .with_for_update())
        return {c.id: c for c in [*(c for c in known.values() if c is not None), *found]}

    async def add_counter(self, counter: RiskCounter) -> None:
        self._session.identity.add_new("risk_counters", counter)

    async def count_marks(self, rule_id: str, subject: str, start: datetime) -> int:
        rows = await self._session.select_rows(
            select(func.count().label("n")).select_from(_C).where(
                _C.c.rule_id == rule_id, _C.c.subject == subject, _C.c.window_start == start))
        return int(rows[0].n)

    async def flags_on(self, subjects: Sequence[str], at: datetime) -> list[RiskFlag]:
        return list(await self._session.select_entities("risk_flags", select(_F).where(
            _F.c.subject.in_(list(subjects)), or_(_F.c.until.is_(None), _F.c.until > at))
            .order_by(_F.c.created_at, _F.c.id)))

    async def flag(self, flag_id: str) -> RiskFlag | None:
        found = await self._session.load("risk_flags", flag_id)
        return found  # type: ignore[no-any-return]

    async def add_flag(self, flag: RiskFlag) -> None:
        self._session.identity.add_new("risk_flags", flag)

    async def recent_flags(self, limit: int) -> list[RiskFlag]:
        return list(await self._session.select_entities(
            "risk_flags", select(_F).order_by(_F.c.created_at.desc(), _F.c.id.desc())
            .limit(limit)))

    async def progress(self, enrollment_id: str) -> CourseProgress | None:
        found = await self._session.load("course_progress", enrollment_id)
        return found  # type: ignore[no-any-return]

    async def add_progress(self, progress: CourseProgress) -> None:
        self._session.identity.add_new("course_progress", progress)


def sql_risk_store(uow: UnitOfWork) -> SqlRiskStore:
    if not isinstance(uow, SqlUnitOfWork):
        raise TypeError(f"the SQL risk store needs a SqlUnitOfWork, not {type(uow).__name__}")
    return SqlRiskStore(uow.session)
