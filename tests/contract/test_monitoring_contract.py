"""Monitoring records and queries behave the same on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from adapters.memory.monitoring import MemoryGatewayCallLog, MemoryMonitoringQueries
from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.sql.monitoring import SqlGatewayCallLog, SqlMonitoringQueries
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from application.ports import GatewayCall
from tests.support.builders import T0, enrollment, payment, succeeded

pytestmark = [pytest.mark.contract,
              pytest.mark.parametrize("kind", ["memory", "sqlite", "postgres"])]


@pytest.fixture
def monitoring(kind, request):
    if kind == "memory":
        store = MemoryStore()
        return (MemoryUnitOfWorkFactory(store), MemoryGatewayCallLog(store),
                MemoryMonitoringQueries(store))
    engine = request.getfixturevalue(f"{kind}_engine")
    return SqlUnitOfWorkFactory(engine), SqlGatewayCallLog(engine), SqlMonitoringQueries(engine)


async def _seed(factory) -> None:
    held = payment("pay_3", "enr_3", amount=700, paylink="pl_3")
    held.flag_for_review("amount_mismatch", at=T0 + timedelta(minutes=1))
    async with factory() as uow:
        for n in (1, 2, 3, 4):
            await uow.enrollments.add(enrollment(f"enr_{n}"))
        await uow.payments.add(succeeded("pay_1", "enr_1", amount=1000))
        await uow.payments.add(succeeded("pay_2", "enr_2", amount=2000))
        await uow.payments.add(held)
        await uow.payments.add(payment("pay_4", "enr_4", at=T0 - timedelta(days=2)))
        await uow.commit()


async def test_totals_points_and_review_list(monitoring):
    factory, _, queries = monitoring
    await _seed(factory)
    since = T0 - timedelta(hours=1)
    totals = [(t.status, t.currency, t.count, t.amount_minor)
              for t in await queries.payment_totals(since)]
    assert totals == [("pending", "ZAR", 1, 700), ("succeeded", "ZAR", 2, 3000)]
    points = await queries.payment_points(since, limit=2)
    assert len(points) == 2 and {p.status for p in points} <= {"pending", "succeeded"}
    review = await queries.needing_review(limit=10)
    assert [(p.id, p.review_reason) for p in review] == [("pay_3", "amount_mismatch")]
    assert await queries.oldest_pending_age(T0 + timedelta(hours=1)) == 3600.0


async def test_gateway_calls_come_back_newest_first_within_the_window(monitoring):
    _, log, queries = monitoring
    for minute, outcome in [(0, "ok"), (5, "gateway_timeout"), (10, "ok")]:
        await log.record(GatewayCall("get_status", outcome, 10 * minute, T0 + timedelta(
            minutes=minute)))
    calls = await queries.gateway_calls(T0 + timedelta(minutes=1), limit=10)
    assert [(c.outcome, c.duration_ms, c.at) for c in calls] == [
        ("ok", 100, T0 + timedelta(minutes=10)),
        ("gateway_timeout", 50, T0 + timedelta(minutes=5))]
    assert len(await queries.gateway_calls(T0, limit=1)) == 1


async def test_outbox_lag_counts_unrelayed_events(monitoring, kind):
    factory, _, queries = monitoring
    await _seed(factory)
    unrelayed, oldest = await queries.outbox_lag(T0)
    if kind == "memory":
        assert (unrelayed, oldest) == (0, 0.0)
    else:
        assert unrelayed > 0 and oldest >= 0.0


async def test_calls_that_end_together_are_each_recorded_once(monitoring):
    """The SQL log groups calls that end together into one commit: none lost, none
    doubled, each with its own outcome and duration."""
    _, log, queries = monitoring
    calls = [GatewayCall("get_status", "ok" if n % 3 else "gateway_timeout", n,
                         T0 + timedelta(seconds=n)) for n in range(60)]
    await asyncio.gather(*(log.record(call) for call in calls))
    kept = await queries.gateway_calls(T0 - timedelta(seconds=1), limit=100)
    assert sorted((c.outcome, c.duration_ms, c.at) for c in kept) == sorted(
        (c.outcome, c.duration_ms, c.at) for c in calls)
