"""Port: the stored reconciliation reports."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from application.reconciliation.report import ReconciliationReport


class ReconciliationReports(Protocol):
    """Stored reports, newest first.

    Contract: a report is written whole by `add` (its own transaction) and never
    changed; `newest` pages newest first on (created_at, id)
    with the keyset `before`, so pages never skip or repeat a report.
    """

    async def add(self, report: ReconciliationReport) -> None: ...
    async def get(self, report_id: str) -> ReconciliationReport | None: ...
    async def newest(self, limit: int,
                     before: tuple[datetime, str] | None = None) -> list[ReconciliationReport]:
        """Up to `limit` reports older than the keyset `before` (created_at, id)."""
        ...
