"""Port: the lease that makes the daily reconciliation run once per day across workers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from application.ports.daily_run import DailyRun


class DailyReconciliationLeases(Protocol):
    """One row per platform day.

    Contract: a worker *claims* a day before reconciling it: the claim succeeds for a
    day nobody has claimed, or for one whose holder's lease has expired (that worker
    died or hung mid-run), and never for a day already done. Only the holder of a live
    claim can mark the day done. Each claim is decided in one atomic statement, so two
    workers can never both hold a day. Each call is its own transaction.
    """

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
