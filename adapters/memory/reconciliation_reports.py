"""Reconciliation reports kept in the process, newest first, like the SQL store."""

from __future__ import annotations

import copy
from datetime import datetime

from application.reconciliation.report import ReconciliationReport


class MemoryReconciliationReports:
    def __init__(self) -> None:
        self._reports: dict[str, ReconciliationReport] = {}

    async def add(self, report: ReconciliationReport) -> None:
        self._reports[report.id] = copy.deepcopy(report)

    async def get(self, report_id: str) -> ReconciliationReport | None:
        found = self._reports.get(report_id)
        return copy.deepcopy(found) if found else None

    async def newest(self, limit: int,
                     before: tuple[datetime, str] | None = None) -> list[ReconciliationReport]:
        ordered = sorted(self._reports.values(), key=lambda r: (r.created_at, r.id),
                         reverse=True)
        kept = [r for r in ordered if before is None or (r.created_at, r.id) < before]
        return [copy.deepcopy(r) for r in kept[:limit]]
