"""The lease that makes the daily reconciliation run once per day across all workers.

One row per platform day. A worker *claims* a day before reconciling it: the claim
succeeds for a day nobody has claimed, or for one whose holder's lease has expired (that
worker died or hung mid-run), and never for a day already done. Only the holder of a
live claim can mark the day done. Implementations decide each claim in one atomic
statement, so two workers can never both hold a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol


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


class DailyReconciliationLeases(Protocol):
    async def claim(self, day: date, holder: str, now: datetime, until: datetime) -> bool:
        """Take `day` until `until`: True for an unclaimed day or one whose lease ended
        by `now` (expired or released); False when it is done or another holder's
        lease is still live."""
        ...

    async def complete(self, day: date, holder: str, report_id: str, now: datetime) -> bool:
        """Mark `day` done with its report, if `holder` still holds it; else False."""
        ...

    async def release(self, day: date, holder: str, now: datetime) -> None:
        """End `holder`'s lease at once (the run failed): the next tick may retry it."""
        ...

    async def runs_between(self, start: date, end: date) -> list[DailyRun]:
        """Every day from `start` to `end` (inclusive) that has a row, oldest first."""
        ...

    async def first_day(self) -> date | None:
        """The oldest day ever claimed (the start of the catch-up window), if any."""
        ...

    async def latest_done(self) -> DailyRun | None:
        """The most recent day that is done."""
        ...
