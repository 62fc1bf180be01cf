"""The daily reconciliation's lease in the process (one worker, tests, demos): the same
rules as the SQL table, each claim decided without an await in between."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from application.ports import DailyRun, DailyRunStatus


class MemoryDailyReconciliationLeases:
    def __init__(self) -> None:
        self._runs: dict[date, DailyRun] = {}

    async def claim(self, day: date, holder: str, now: datetime, until: datetime) -> bool:
        run = self._runs.get(day)
        if run is None:
            self._runs[day] = DailyRun(day, DailyRunStatus.RUNNING, holder, until, 1, now)
            return True
        if run.status is not DailyRunStatus.RUNNING or run.leased_until > now:
            return False
        self._runs[day] = replace(run, holder=holder, leased_until=until, started_at=now,
                                  attempts=run.attempts + 1)
        return True

    async def complete(self, day: date, holder: str, report_id: str, now: datetime) -> bool:
        run = self._runs.get(day)
        if run is None or run.status is not DailyRunStatus.RUNNING or run.holder != holder:
            return False
        self._runs[day] = replace(run, status=DailyRunStatus.DONE, report_id=report_id,
                                  finished_at=now, leased_until=now)
        return True

    async def release(self, day: date, holder: str, now: datetime) -> None:
        run = self._runs.get(day)
        if (run is not None and run.status is DailyRunStatus.RUNNING and run.holder == holder
                and run.leased_until > now):
            self._runs[day] = replace(run, leased_until=now)

    async def runs_between(self, start: date, end: date) -> list[DailyRun]:
        return [self._runs[d] for d in sorted(self._runs) if start <= d <= end]

    async def first_day(self) -> date | None:
        return min(self._runs, default=None)

    async def latest_done(self) -> DailyRun | None:
        done = [d for d, r in self._runs.items() if r.status is DailyRunStatus.DONE]
        return self._runs[max(done)] if done else None
