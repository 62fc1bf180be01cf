"""The daily reconciliation on SQLite and PostgreSQL: three workers (three engines over
one database, as separate processes would have) run a platform day exactly once, catch
up the days missed while none ran, repair what the gateway confirms, hold the rest for
review, and every instance's scrape exports the mismatches.

The clock is injected (FixedClock); the gateway's history is slowed a little so the
workers really overlap."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.fake.gateway import FakeGateway
from adapters.metrics.prometheus import PrometheusMetrics
from adapters.sql.daily_reconciliations import SqlDailyReconciliationLeases
from adapters.sql.engine import create_engine_for
from adapters.sql.monitoring import SqlMonitoringQueries
from adapters.sql.reconciliation_reports import SqlReconciliationReports
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from adapters.system.clock import FixedClock, RandomIds
from application.ports import DailyRunStatus
from application.reconciliation.report import ReconciliationReport
from application.use_cases.daily_reconciliation import DailyReconciliation
from application.use_cases.reconcile import Reconcile
from domain.enrollment import EnrollmentStatus
from domain.gateway_report import GatewayStatus
from domain.money import Money
from domain.payment import Payment, PaymentStatus
from entrypoints.scrape import Scrape
from tests.support.scrape import parse_scrape, value
from tests.support.world import ADMIN, START, World

pytestmark = [pytest.mark.integration,
              pytest.mark.parametrize("sql_engine", ["sqlite", "postgres"], indirect=True)]

SAST = ZoneInfo("Africa/Johannesburg")
WORKERS = 3
OVERLAP_S = 0.01
DAY1 = START.date()  # 2026-11-01; START is 09:00 UTC, 11:00 in Johannesburg
DAY2, DAY3 = date(2026, 11, 2), date(2026, 11, 3)


class SlowHistory(FakeGateway):
    """The fake gateway, counting history reads per day and answering a little slowly."""

    def __init__(self, clock: FixedClock) -> None:
        super().__init__(clock)
        self.read: Counter[date] = Counter()

    async def history(self, start: date, end: date) -> AsyncIterator[Any]:
        self.read[start] += 1
        await asyncio.sleep(OVERLAP_S)
        async for report in super().history(start, end):
            yield report


class CountingLeases(SqlDailyReconciliationLeases):
    def __init__(self, engine: AsyncEngine, claims: list[tuple[str, date, bool]]) -> None:
        super().__init__(engine)
        self.claims = claims

    async def claim(self, day: date, holder: str, now: datetime, until: datetime) -> bool:
        won = await super().claim(day, holder, now, until)
        self.claims.append((holder, day, won))
        return won


@pytest.fixture
async def engines(sql_engine: AsyncEngine) -> AsyncIterator[list[AsyncEngine]]:
    url = sql_engine.url.render_as_string(hide_password=False)
    own = [create_engine_for(url) for _ in range(WORKERS)]
    yield own
    for engine in own:
        await engine.dispose()


class Deployment:
    """One database, one gateway, one clock; a world to make payments in, and workers."""

    def __init__(self, engine: AsyncEngine, engines: list[AsyncEngine]) -> None:
        self.engine, self.clock = engine, FixedClock(START)
        self.gateway = SlowHistory(self.clock)
        self.world = World(clock=self.clock, uow_factory=SqlUnitOfWorkFactory(engine),
                           real_gateway=self.gateway)
        self.claims: list[tuple[str, date, bool]] = []
        self.workers = [self.worker(e, f"worker-{n}") for n, e in enumerate(engines)]

    def worker(self, engine: AsyncEngine, holder: str) -> DailyReconciliation:
        world = World(clock=self.clock, uow_factory=SqlUnitOfWorkFactory(engine),
                      real_gateway=self.gateway)
        reports = SqlReconciliationReports(engine)
        reconcile = Reconcile(world.tx, self.gateway, world.apply_report, reports,
                              self.clock, RandomIds())
        return DailyReconciliation(reconcile, CountingLeases(engine, self.claims), reports,
                                   self.clock, SAST, holder)

    async def all_at_once(self) -> list[list[ReconciliationReport]]:
        return list(await asyncio.gather(*(w() for w in self.workers)))

    async def payment(self, name: str, settle: GatewayStatus | None = None,
                      reported: int | None = None) -> Payment:
        payment = await self.world.checkout(await self.world.enrollment(f"stu-{name}"))
        if settle is not None:
            self.gateway.settle(payment.paylink_id or "", settle,
                                reported_amount=Money(reported, "ZAR") if reported else None)
        return payment

    async def read(self, payment_id: str) -> Payment:
        return await self.world.get_payment(ADMIN, payment_id)

    async def scrape(self) -> dict[Any, float]:
        scrape = Scrape(PrometheusMetrics(CollectorRegistry()),
                        SqlMonitoringQueries(self.engine), self.gateway, self.clock,
                        daily=self.workers[0])
        return parse_scrape((await scrape()).decode())


@pytest.fixture
def deployment(sql_engine: AsyncEngine, engines: list[AsyncEngine]) -> Deployment:
    return Deployment(sql_engine, engines)


async def test_three_workers_run_the_day_once_repair_what_is_safe_and_raise_the_metric(
        deployment):
    d = deployment
    untold = await d.payment("untold", GatewayStatus.SUCCESS)  # the callback never came
    tampered = await d.payment("tampered", GatewayStatus.SUCCESS, reported=100)
    await d.payment("pending")  # pending on both sides: matched
    d.clock.advance(days=1)  # 2026-11-02 11:00 in Johannesburg: yesterday is DAY1

    runs = await d.all_at_once()

    reports = [r for run in runs for r in run]
    assert [r.period_from for r in reports] == [DAY1] and reports[0].period_to == DAY1
    assert sorted(won for _, day, won in d.claims if day == DAY1) == [False, False, True]
    assert d.gateway.read[DAY1] == 1  # one run read the day (and one each side of it)
    stored = await SqlReconciliationReports(d.engine).newest(10)
    assert [r.id for r in stored] == [reports[0].id] and stored[0].applied
    report = stored[0]
    assert report.counts["status_mismatch"] == 1 and report.counts["amount_mismatch"] == 1
    assert report.repaired == [untold.id] and report.flagged == [tampered.id]

    repaired = await d.read(untold.id)
    assert repaired.status is PaymentStatus.SUCCEEDED
    enrollment = await d.world.get_enrollment(ADMIN, repaired.enrollment_id)
    assert enrollment.status is EnrollmentStatus.ACTIVE
    held = await d.read(tampered.id)  # the gateway disagrees on the amount: never fulfilled
    assert held.status is PaymentStatus.PENDING and held.review_reason == "amount_mismatch"

    (row,) = await SqlDailyReconciliationLeases(d.engine).runs_between(DAY1, DAY1)
    assert row.status is DailyRunStatus.DONE and row.report_id == report.id
    assert row.attempts == 1

    samples = await d.scrape()
    mismatches = "skillpay_daily_reconciliation_mismatches"
    assert value(samples, mismatches, category="status_mismatch") == 1
    assert value(samples, mismatches, category="amount_mismatch") == 1
    assert value(samples, "skillpay_daily_reconciliation_repaired") == 1
    assert value(samples, "skillpay_daily_reconciliation_held_for_review") == 1
    assert value(samples, "skillpay_daily_reconciliation_days_behind") == 0

    assert await d.all_at_once() == [[], [], []]  # the day is done: nobody runs it again


async def test_after_downtime_the_workers_catch_up_the_missed_days_once_each(deployment):
    d = deployment
    d.clock.advance(days=1)
    assert [r.period_from for r in await d.workers[0]()] == [DAY1]
    d.clock.advance(hours=1)  # DAY2, 11:00 UTC
    untold = await d.payment("untold", GatewayStatus.SUCCESS)
    d.clock.advance(days=2)  # no worker ran for two days: now DAY4, yesterday DAY3
    behind = await d.scrape()
    assert value(behind, "skillpay_daily_reconciliation_days_behind") == 2

    runs = await d.all_at_once()

    days = Counter(r.period_from for run in runs for r in run)
    assert days == Counter({DAY2: 1, DAY3: 1})
    for run in runs:  # each worker goes oldest first
        assert [r.period_from for r in run] == sorted(r.period_from for r in run)
    assert (await d.read(untold.id)).status is PaymentStatus.SUCCEEDED
    rows = await SqlDailyReconciliationLeases(d.engine).runs_between(DAY1, DAY3)
    assert [(r.day, r.status) for r in rows] == [(DAY1, DailyRunStatus.DONE),
                                                 (DAY2, DailyRunStatus.DONE),
                                                 (DAY3, DailyRunStatus.DONE)]
    caught_up = await d.scrape()
    assert value(caught_up, "skillpay_daily_reconciliation_days_behind") == 0


async def test_a_worker_that_dies_mid_run_holds_the_day_only_until_its_lease_ends(deployment):
    d = deployment
    d.clock.advance(days=1)
    dead, alive = SqlDailyReconciliationLeases(d.engine), d.workers[1]
    now = d.clock.now()
    assert await dead.claim(DAY1, "worker-dead", now, now.replace(minute=30))  # then dies

    assert await alive() == []  # the lease is live: nobody else may run the day
    d.clock.advance(minutes=31)
    (report,) = await alive()

    assert report.period_from == DAY1
    assert not await dead.complete(DAY1, "worker-dead", "rec_late", d.clock.now())
    (row,) = await dead.runs_between(DAY1, DAY1)
    assert (row.status, row.holder, row.report_id, row.attempts) == (
        DailyRunStatus.DONE, "worker-1", report.id, 2)
