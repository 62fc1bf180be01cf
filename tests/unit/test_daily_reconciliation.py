"""The daily reconciliation's rules on memory storage: which day is "yesterday" in the
platform's timezone, how far back it catches up, and that a failed day is retried."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from adapters.memory.daily_reconciliations import MemoryDailyReconciliationLeases
from application.errors import InvalidInput
from application.ports import DailyRunStatus
from application.use_cases.daily_reconciliation import DailyReconciliation
from entrypoints.settings import Settings, SettingsError
from tests.support.money_back import MoneyBackWorld

pytestmark = pytest.mark.unit
SAST = ZoneInfo("Africa/Johannesburg")


def daily(world: MoneyBackWorld, tz: ZoneInfo | None = None, max_days: int = 31,
          leases: MemoryDailyReconciliationLeases | None = None) -> DailyReconciliation:
    return DailyReconciliation(world.reconcile, leases or MemoryDailyReconciliationLeases(),
                               world.reports, world.clock, tz or SAST, "worker-1",
                               max_days=max_days)


def world_at(moment: datetime) -> MoneyBackWorld:
    world = MoneyBackWorld()
    world.clock.advance(seconds=(moment - world.clock.now()).total_seconds())
    return world


def test_yesterday_is_the_platforms_not_utcs():
    """22:30 UTC on 1 November is already 00:30 on the 2nd in Johannesburg."""
    world = world_at(datetime(2026, 11, 1, 22, 30, tzinfo=UTC))
    assert daily(world).yesterday() == date(2026, 11, 1)
    assert daily(world, ZoneInfo("UTC")).yesterday() == date(2026, 10, 31)


async def test_the_first_run_does_yesterday_only_and_later_runs_fill_every_gap():
    world = world_at(datetime(2026, 11, 2, 9, tzinfo=UTC))
    leases = MemoryDailyReconciliationLeases()
    first = await daily(world, leases=leases)()
    assert [r.period_from for r in first] == [date(2026, 11, 1)]
    world.clock.advance(days=3)
    later = await daily(world, leases=leases)()
    assert [r.period_from for r in later] == [date(2026, 11, 2), date(2026, 11, 3),
                                              date(2026, 11, 4)]
    status = await daily(world, leases=leases).status()
    assert status is not None and status.day == date(2026, 11, 4)
    assert status.days_behind == 0 and status.held_for_review == 0


async def test_catching_up_is_bounded_to_the_last_max_days():
    world = world_at(datetime(2026, 11, 2, 9, tzinfo=UTC))
    leases = MemoryDailyReconciliationLeases()
    await daily(world, leases=leases)()
    world.clock.advance(days=90)  # three months down
    worker = daily(world, leases=leases, max_days=31)
    due = await worker.due_days()
    assert len(due) == 31 and due[-1] == worker.yesterday()
    assert due == sorted(due)


async def test_a_failing_day_releases_its_lease_and_the_next_tick_runs_it():
    world = world_at(datetime(2026, 11, 2, 9, tzinfo=UTC))
    leases = MemoryDailyReconciliationLeases()
    worker = daily(world, leases=leases)
    world.gateway.fail_next("history", InvalidInput("gateway said no"))
    with pytest.raises(InvalidInput):
        await worker()
    (row,) = await leases.runs_between(date(2026, 11, 1), date(2026, 11, 1))
    assert row.status is DailyRunStatus.RUNNING and row.leased_until <= world.clock.now()
    world.clock.advance(minutes=5)
    assert [r.period_from for r in await worker()] == [date(2026, 11, 1)]


async def test_a_live_lease_is_never_shared_and_a_done_day_is_never_reclaimed():
    leases, day = MemoryDailyReconciliationLeases(), date(2026, 11, 1)
    now = datetime(2026, 11, 2, 9, tzinfo=UTC)
    until = now + timedelta(minutes=30)
    assert await leases.claim(day, "a", now, until)
    assert not await leases.claim(day, "b", now + timedelta(minutes=29), until)
    assert await leases.claim(day, "b", until, until + timedelta(minutes=30))
    assert not await leases.complete(day, "a", "rec_a", until)
    assert await leases.complete(day, "b", "rec_b", until)
    assert not await leases.claim(day, "c", until + timedelta(days=9), until)


def test_the_timezone_setting_defaults_to_johannesburg_and_is_validated():
    assert Settings.from_env({}).timezone == "Africa/Johannesburg"
    assert Settings.from_env({"SKILLPAY_TIMEZONE": "UTC"}).timezone == "UTC"
    # "Africa" and "America" are directories of the zone database, not zones
    for wrong in ("Mars/Olympus_Mons", "../etc/passwd", "Africa/", "Africa", "America"):
        with pytest.raises(SettingsError, match="SKILLPAY_TIMEZONE"):
            Settings.from_env({"SKILLPAY_TIMEZONE": wrong})
