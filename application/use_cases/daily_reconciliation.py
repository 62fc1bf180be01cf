"""The daily reconciliation the worker runs on its own: every platform day, once.

For the previous day in the platform's timezone (and, after downtime, every missed day
before it, oldest first, at most `max_days` back) a worker claims the day's lease, runs
`Reconcile` with `apply=True` for it, stores the report and marks the day done. The
lease (see application/ports/daily_reconciliation_leases.py) makes the run happen once
across any number of workers; a worker that dies mid-run holds the day only until its lease
ends, then another one runs it again.

What `apply` repairs is only what the gateway confirms, through ApplyGatewayReport (the
callback's own path): an open payment the gateway settled. A disagreeing amount or
reference is held for review (never fulfilled), and the other mismatches (missing at
the gateway, unknown to us, a final status the gateway contradicts) stay in the report
for an operator. The report's period is the platform day's date; the matcher reads the
days on either side too, so a payment near midnight still matches.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo

from application.actor import Actor, Role
from application.ports import (
    Clock,
    DailyReconciliationLeases,
    DailyRunStatus,
    ReconciliationReports,
)
from application.reconciliation.report import CATEGORIES, ReconciliationReport
from application.use_cases.reconcile import Reconcile, ReconcileCommand

SYSTEM_ACTOR = Actor("daily-reconciliation", Role.ADMIN)
DEFAULT_LEASE = timedelta(minutes=30)
MAX_CATCH_UP_DAYS = 31
MISMATCHES = tuple(c for c in CATEGORIES if c != "matched")


@dataclass(frozen=True, slots=True)
class DailyStatus:
    """The most recent day that is done, for the metrics and the operator page."""

    day: date
    report: ReconciliationReport | None
    days_behind: int  # 0 when yesterday is done; n when the last n days are not
    mismatches: dict[str, int] = field(default_factory=dict)
    repaired: int = 0

    @property
    def held_for_review(self) -> int:
        """Mismatches the run did not repair: flagged payments and report-only findings."""
        return max(0, sum(self.mismatches.values()) - self.repaired)


class DailyReconciliation:
    def __init__(self, reconcile: Reconcile, leases: DailyReconciliationLeases,
                 reports: ReconciliationReports, clock: Clock, timezone: tzinfo,
                 holder: str, *, lease: timedelta = DEFAULT_LEASE,
                 max_days: int = MAX_CATCH_UP_DAYS) -> None:
        if not 1 <= max_days <= 366:
            raise ValueError("max_days must be between 1 and 366")
        self._reconcile, self._leases, self._reports = reconcile, leases, reports
        self._clock, self._tz, self._holder = clock, timezone, holder
        self._lease, self._max_days = lease, max_days

    def yesterday(self) -> date:
        """The previous day in the platform's timezone."""
        return self._clock.now().astimezone(self._tz).date() - timedelta(days=1)

    async def due_days(self) -> list[date]:
        """Days not yet done, oldest first: yesterday, and every day since the first
        ever run that was missed, within the last `max_days`."""
        last = self.yesterday()
        first = await self._leases.first_day()
        start = last if first is None else max(first, last - timedelta(days=self._max_days - 1))
        if start > last:
            return []
        done = {r.day for r in await self._leases.runs_between(start, last)
                if r.status is DailyRunStatus.DONE}
        days = (start + timedelta(days=i) for i in range((last - start).days + 1))
        return [d for d in days if d not in done]

    async def __call__(self) -> list[ReconciliationReport]:
        """Run every due day this worker can claim, oldest first; the reports it made.
        A failing day ends the run (its lease released, so the next tick retries it)."""
        made = []
        for day in await self.due_days():
            now = self._clock.now()
            if not await self._leases.claim(day, self._holder, now, now + self._lease):
                continue  # done meanwhile, or another worker holds it
            try:
                report = await self._reconcile(ReconcileCommand(SYSTEM_ACTOR, day, day,
                                                                apply=True))
            except BaseException:  # cancelled too (shutdown): let the next worker retry now
                with contextlib.suppress(Exception):
                    await self._leases.release(day, self._holder, self._clock.now())
                raise
            await self._leases.complete(day, self._holder, report.id, self._clock.now())
            made.append(report)
        return made

    async def status(self) -> DailyStatus | None:
        """The latest day done and what its report found; None before the first run."""
        run = await self._leases.latest_done()
        if run is None:
            return None
        report = await self._reports.get(run.report_id) if run.report_id else None
        behind = max(0, (self.yesterday() - run.day).days)
        if report is None:
            return DailyStatus(run.day, None, behind)
        return DailyStatus(run.day, report, behind,
                           {c: report.counts.get(c, 0) for c in MISMATCHES},
                           report.repaired_count)
