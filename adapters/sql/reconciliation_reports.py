"""Stored reconciliation reports: one row each, the bounded findings as JSON.

Reports are written once and never changed, outside any business unit of work (a
report describes payments; it is not part of their transactions).
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import Column, Date, Index, Text, insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import Field, SQLModel

from adapters.sql.column_types import timestamp_column
from adapters.sql.engine import write_transaction
from adapters.sql.unavailable import connect
from application.reconciliation.report import ReconciliationReport


class ReconciliationReportRow(SQLModel, table=True):
    __tablename__ = "reconciliation_reports"

    id: str = Field(primary_key=True, max_length=64)
    created_at: datetime = Field(sa_column=timestamp_column())
    actor: str = Field(max_length=128)
    period_from: date = Field(sa_column=Column(Date, nullable=False))
    period_to: date = Field(sa_column=Column(Date, nullable=False))
    applied: bool
    findings: str = Field(sa_column=Column(Text, nullable=False))  # JSON, bounded

    @classmethod
    def from_domain(cls, r: ReconciliationReport) -> ReconciliationReportRow:
        findings = {"counts": r.counts, "examples": r.examples, "repaired": r.repaired,
                    "flagged": r.flagged, "repaired_count": r.repaired_count,
                    "flagged_count": r.flagged_count}
        return cls(id=r.id, created_at=r.created_at, actor=r.actor, period_from=r.period_from,
                   period_to=r.period_to, applied=r.applied,
                   findings=json.dumps(findings, sort_keys=True))

    def to_domain(self) -> ReconciliationReport:
        f = json.loads(self.findings)
        return ReconciliationReport(
            id=self.id, created_at=self.created_at, actor=self.actor,
            period_from=self.period_from, period_to=self.period_to, applied=self.applied,
            counts=f["counts"], examples=f["examples"], repaired=f["repaired"],
            flagged=f["flagged"], repaired_count=f["repaired_count"],
            flagged_count=f["flagged_count"])


_t = ReconciliationReportRow.__table__  # type: ignore[attr-defined]
Index("ix_reconciliation_reports_created", _t.c.created_at, _t.c.id)


class SqlReconciliationReports:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, report: ReconciliationReport) -> None:
        async with write_transaction(self._engine) as conn:
            await conn.execute(insert(_t).values(
                ReconciliationReportRow.from_domain(report).model_dump()))

    async def get(self, report_id: str) -> ReconciliationReport | None:
        rows = await self._select(select(_t).where(_t.c.id == report_id))
        return rows[0] if rows else None

    async def newest(self, limit: int,
                     before: tuple[datetime, str] | None = None) -> list[ReconciliationReport]:
        statement = select(_t).order_by(_t.c.created_at.desc(), _t.c.id.desc()).limit(limit)
        if before is not None:
            statement = statement.where(tuple_(_t.c.created_at, _t.c.id) < tuple_(*before))
        return await self._select(statement)

    async def _select(self, statement: object) -> list[ReconciliationReport]:
        async with connect(self._engine) as conn:
            rows = (await conn.execute(statement)).mappings().all()  # type: ignore[call-overload]
        return [ReconciliationReportRow(**row).to_domain() for row in rows]
