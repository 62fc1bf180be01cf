"""The analytics rollups kept by the SQL unit of work (adapters/sql/analytics_rollup.py)
equal a rebuild from the rows after every kind of write, and the SQL analytics (whole
days from the rollups, partial days live) answer exactly what the memory adapter answers,
for ranges on day boundaries and not, per course and overall, on SQLite and PostgreSQL.
Never a timing."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.analytics import MemoryAnalyticsQueries
from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.sql.analytics import SqlAnalyticsQueries, split
from adapters.sql.analytics_rebuild import rebuild, rollups_of
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from application.ports import AnalyticsRange
from domain.gateway_report import GatewayReport, GatewayStatus
from domain.money import Money
from tests.support import analytics_fixture as fx

pytestmark = pytest.mark.integration

T = datetime(2026, 3, 2, tzinfo=UTC)
RANGES = [
    (T, T + timedelta(days=3)),  # whole days: the rollups alone
    (T - timedelta(seconds=1), T + timedelta(days=3, seconds=1)),  # a second either side
    (T + timedelta(hours=9, minutes=25), T + timedelta(days=2, hours=11, minutes=15)),
    (T + timedelta(hours=9), T + timedelta(hours=13, minutes=15)),  # within one day
    (T - timedelta(days=1), T + timedelta(days=4)),  # every row of the fixture
]


async def _later_changes(factory) -> None:  # type: ignore[no-untyped-def]
    """What happens after checkout in production: each in its own unit of work."""
    later = T + timedelta(days=5)
    async with factory() as uow:  # an open checkout is paid days later
        payment = await uow.payments.get("pay-fx-35")
        payment.apply_gateway_report(GatewayReport(
            payment.paylink_id, GatewayStatus.SUCCESS, payment.id, payment.amount),
            at=later, actor="gateway:test")
        await uow.commit()
    async with factory() as uow:  # another one expires
        payment = await uow.payments.get("pay-fx-45")
        payment.expire(at=later, actor="system")
        await uow.commit()
    async with factory() as uow:  # a paid one is refunded in part, then in full
        payment = await uow.payments.get("pay-fx-00")
        payment.reserve_refund(Money(10_000, "ZAR"))
        payment.complete_refund(Money(10_000, "ZAR"), at=later, actor="admin:test")
        await uow.commit()
    async with factory() as uow:
        payment = await uow.payments.get("pay-fx-00")
        payment.reserve_refund(Money(40_000, "ZAR"))
        payment.complete_refund(Money(40_000, "ZAR"), at=later, actor="admin:test")
        await uow.commit()


def test_a_range_splits_into_whole_days_and_live_edges():
    assert split(AnalyticsRange(T, T + timedelta(days=3))) == (
        [], (T.date(), T.date() + timedelta(days=3)))
    edges, days = split(AnalyticsRange(T + timedelta(hours=1), T + timedelta(days=2, hours=2)))
    assert days == (T.date() + timedelta(days=1), T.date() + timedelta(days=2))
    assert edges == [(T + timedelta(hours=1), T + timedelta(days=1)),
                     (T + timedelta(days=2), T + timedelta(days=2, hours=2))]
    inside = AnalyticsRange(T + timedelta(hours=1), T + timedelta(hours=5))
    assert split(inside) == ([(inside.start, inside.end)], None)


@pytest.mark.parametrize("sql_engine", ["sqlite", "postgres"], indirect=True)
async def test_the_rollups_stay_exact_and_sql_agrees_with_memory(sql_engine: AsyncEngine):
    store = MemoryStore()
    memory, sql = MemoryAnalyticsQueries(store), SqlAnalyticsQueries(sql_engine)
    for factory in (MemoryUnitOfWorkFactory(store), SqlUnitOfWorkFactory(sql_engine)):
        await fx.seed(factory)
        await _later_changes(factory)

    async with sql_engine.connect() as conn:
        kept = await conn.run_sync(rollups_of)
        await conn.run_sync(rebuild)
        assert await conn.run_sync(rollups_of) == kept
        await conn.rollback()  # leave the rollups as the unit of work kept them
    assert kept["analytics_checkout_days"] and kept["analytics_time_to_pay_days"]

    for start, end in RANGES:
        for course in (None, fx.ALGEBRA, fx.BIOLOGY, "course-none"):
            period = AnalyticsRange(start, end, course)
            assert await sql.facts(period) == await memory.facts(period), period


@pytest.mark.parametrize("sql_engine", ["sqlite", "postgres"], indirect=True)
async def test_migration_0010_fills_the_rollups_as_a_rebuild_does(sql_engine: AsyncEngine):
    migration = importlib.import_module(
        "adapters.sql.migrations.versions.0010_analytics_rollup")
    await fx.seed(SqlUnitOfWorkFactory(sql_engine))
    await _later_changes(SqlUnitOfWorkFactory(sql_engine))
    async with sql_engine.connect() as conn:
        kept = await conn.run_sync(rollups_of)
        for table in ("analytics_checkout_days", "analytics_time_to_pay_days",
                      "analytics_enrollment_days"):
            await conn.execute(text(f"DELETE FROM {table}"))
        for statement in migration._backfill(sql_engine.dialect.name):
            await conn.execute(text(statement))
        assert await conn.run_sync(rollups_of) == kept
        await conn.rollback()
