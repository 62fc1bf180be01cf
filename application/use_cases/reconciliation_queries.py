"""Read stored reconciliation reports (admin): one by id, or newest first."""

from __future__ import annotations

from datetime import datetime

from application.actor import Actor, Role
from application.errors import InvalidInput, NotFound
from application.ports import ReconciliationReports
from application.reconciliation.report import ReconciliationReport

MAX_LIMIT = 100


class ReadReconciliations:
    def __init__(self, reports: ReconciliationReports) -> None:
        self._reports = reports

    async def one(self, actor: Actor, report_id: str) -> ReconciliationReport:
        actor.require(Role.ADMIN)
        report = await self._reports.get(report_id)
        if report is None:
            raise NotFound("reconciliation")
        return report

    async def newest(self, actor: Actor, limit: int,
                     before: tuple[datetime, str] | None) -> tuple[list[ReconciliationReport],
                                                                   bool]:
        """(page, has_more)."""
        actor.require(Role.ADMIN)
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}")
        found = await self._reports.newest(limit + 1, before)
        return found[:limit], len(found) > limit
