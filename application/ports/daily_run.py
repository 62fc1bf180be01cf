"""One platform day's row in the daily reconciliation's lease table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class DailyRunStatus(StrEnum):
    RUNNING = "running"  # claimed; the lease says until when
    DONE = "done"        # reconciled; `report_id` names the stored report


@dataclass(frozen=True, slots=True)
class DailyRun:
    day: date
    status: DailyRunStatus
    holder: str
    leased_until: datetime
    attempts: int
    started_at: datetime
    finished_at: datetime | None = None
    report_id: str | None = None
