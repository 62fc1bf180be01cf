"""The daily reconciliation's lease: one row per platform day.

A claim is one statement, decided by the database: `INSERT ... ON CONFLICT (day) DO
NOTHING` for a day nobody has claimed, else `UPDATE ... WHERE status = 'running' AND
leased_until < now` to take over a lease that ended. On PostgreSQL a second UPDATE waits
for the first's row lock and then re-checks its WHERE against the new row, so two
workers can never both win; SQLite runs one writer at a time.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, Index, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import Field, SQLModel

from adapters.sql.column_types import status_check, timestamp_column
from adapters.sql.engine import is_sqlite, write_transaction
from adapters.sql.unavailable import connect
from application.ports import DailyRun, DailyRunStatus


class DailyReconciliationRow(SQLModel, table=True):
    __tablename__ = "daily_reconciliations"
    __table_args__ = (status_check(DailyRunStatus, "ck_daily_reconciliations_status"),)

    day: date = Field(sa_column=Column(Date, primary_key=True))
    status: str = Field(max_length=16)
    holder: str = Field(max_length=128)
    leased_until: datetime = Field(sa_column=timestamp_column())
    attempts: int
    started_at: datetime = Field(sa_column=timestamp_column())
    finished_at: datetime | None = Field(default=None, sa_column=timestamp_column(True))
    report_id: str | None = Field(default=None, max_length=64)

    def to_domain(self) -> DailyRun:
        return DailyRun(day=self.day, status=DailyRunStatus(self.status), holder=self.holder,
                        leased_until=self.leased_until, attempts=self.attempts,
                        started_at=self.started_at, finished_at=self.finished_at,
                        report_id=self.report_id)


_t = DailyReconciliationRow.__table__  # type: ignore[attr-defined]
Index("ix_daily_reconciliations_done", _t.c.status, _t.c.day)

_RUNNING, _DONE = DailyRunStatus.RUNNING.value, DailyRunStatus.DONE.value


class SqlDailyReconciliationLeases:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def claim(self, day: date, holder: str, now: datetime, until: datetime) -> bool:
        insert = sqlite_insert if is_sqlite(self._engine) else pg_insert
        fresh = insert(_t).values(day=day, status=_RUNNING, holder=holder, leased_until=until,
                                  attempts=1, started_at=now).on_conflict_do_nothing(
                                      index_elements=[_t.c.day])
        take_over = (update(_t)
                     .where(_t.c.day == day, _t.c.status == _RUNNING, _t.c.leased_until <= now)
                     .values(holder=holder, leased_until=until, started_at=now,
                             attempts=_t.c.attempts + 1))
        async with write_transaction(self._engine) as conn:
            if (await conn.execute(fresh)).rowcount == 1:
                return True
            return (await conn.execute(take_over)).rowcount == 1

    async def complete(self, day: date, holder: str, report_id: str, now: datetime) -> bool:
        done = (update(_t)
                .where(_t.c.day == day, _t.c.status == _RUNNING, _t.c.holder == holder)
                .values(status=_DONE, report_id=report_id, finished_at=now, leased_until=now))
        async with write_transaction(self._engine) as conn:
            return (await conn.execute(done)).rowcount == 1

    async def release(self, day: date, holder: str, now: datetime) -> None:
        ended = (update(_t)
                 .where(_t.c.day == day, _t.c.status == _RUNNING, _t.c.holder == holder,
                        _t.c.leased_until > now)
                 .values(leased_until=now))
        async with write_transaction(self._engine) as conn:
            await conn.execute(ended)

    async def runs_between(self, start: date, end: date) -> list[DailyRun]:
        return await self._select(select(_t).where(_t.c.day >= start, _t.c.day <= end)
                                  .order_by(_t.c.day))

    async def first_day(self) -> date | None:
        async with connect(self._engine) as conn:
            return (await conn.execute(select(func.min(_t.c.day)))).scalar_one_or_none()

    async def latest_done(self) -> DailyRun | None:
        found = await self._select(select(_t).where(_t.c.status == _DONE)
                                   .order_by(_t.c.day.desc()).limit(1))
        return found[0] if found else None

    async def _select(self, statement: object) -> list[DailyRun]:
        async with connect(self._engine) as conn:
            rows = (await conn.execute(statement)).mappings().all()  # type: ignore[call-overload]
        return [DailyReconciliationRow(**row).to_domain() for row in rows]
