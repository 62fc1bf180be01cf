"""Bugs the reliability soak found, each pinned by the smallest test that shows it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from adapters.ikhokha import IkhokhaGateway
from adapters.simulator import SimulatorConfig, running_simulator
from adapters.simulator.state import SimPaylink
from adapters.sql.engine import create_engine_for
from adapters.sql.idempotency import SqlIdempotencyStore
from adapters.sql.schema import metadata
from adapters.sql.unit_of_work import SqlUnitOfWork
from application.ports import AuditEntry
from application.use_cases.check_pending import CheckerPolicy, CheckPendingPayments
from domain.gateway_report import GatewayStatus
from domain.payment import PaymentStatus
from tests.support.builders import T0
from tests.support.world import World

pytestmark = pytest.mark.integration


async def test_sqlite_writers_never_wait_for_the_pool_while_holding_the_write_lock(tmp_path):
    """Found by the fault soak (20 concurrent checkouts on SQLite: pool timeouts, 500s).

    A unit of work holds its connection and then waits for the single-writer lock; a
    short write (idempotency claim, outbox, ...) took the lock first and then waited for
    a connection. With every pooled connection held by the first kind, nobody moved
    until the pool timed out. Writers must take their connection before the lock.
    """
    engine = create_engine_for(f"sqlite+aiosqlite:///{tmp_path / 'pool.db'}",
                               pool_size=1, max_overflow=0, pool_timeout=2)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    try:
        async with SqlUnitOfWork(engine) as uow:
            await uow.connection()  # the pool's only connection, as a request's reads do
            claim = asyncio.create_task(SqlIdempotencyStore(engine).claim(
                "stu-1:POST /x", "key-0000000001", "f" * 64, T0, 30))
            await asyncio.sleep(0.05)  # the claim now waits for the pool
            await uow.audit.append(AuditEntry(at=T0, actor="test", entity="webhook",
                                              entity_id="w-1", action="noted",
                                              from_status=None, to_status=None))
            await asyncio.wait_for(uow.commit(), timeout=5)
        await asyncio.wait_for(claim, timeout=5)
    finally:
        await engine.dispose()


async def test_the_checker_reaches_newer_payments_behind_a_full_batch_of_abandoned_ones():
    """Found by the fault soak at 10,000 flows (2,500 abandoned checkouts).

    The checker read the oldest `batch` open payments and skipped those not yet due;
    with a batch's worth of abandoned checkouts (open for 24 h) it never looked past
    them, so a newer paid payment whose callback was lost stayed locked for a day.
    """
    world = World()
    checker = CheckPendingPayments(world.tx, world.gateway, world.verify_payment,
                                   world.apply_report, world.clock, CheckerPolicy(batch=2))
    for n in range(2):  # abandoned: pending at the gateway until their lifetime ends
        await world.checkout(await world.enrollment(student_id=f"stu-{n}"),
                             key=f"abandoned-key-{n:06d}")
    world.clock.advance(seconds=1)
    paid = await world.checkout(await world.enrollment(student_id="stu-paid"),
                                key="paid-key-0000001")
    world.gateway.settle(paid.paylink_id, GatewayStatus.SUCCESS)  # the callback is lost
    world.clock.advance(minutes=2, seconds=30)
    for _ in range(4):  # a worker pass every 30 s, two minutes after the minimum age
        await checker()
        world.clock.advance(seconds=30)
    assert world.payment_row(paid.id).status is PaymentStatus.SUCCEEDED


@pytest.mark.parametrize("paylinks", [2_000, 10_000])
async def test_a_large_history_answer_is_read_whole(paylinks):
    """Found by the fault soak at 2,000 flows: reconciliation failed on every attempt.

    The adapter read the answer with one `content.read(cap)`, which returns what has
    arrived so far (one chunk), so a history of more than a few hundred paylinks was cut
    short and refused as "not JSON". Past 1 MiB (some 5,000 paylinks: one busy day) it
    was refused as too large. History answers are read to the end, under a larger cap.
    """
    async with running_simulator(SimulatorConfig("regress-app", "regress-secret")) as sim:
        now = datetime.now(UTC)
        for n in range(paylinks):
            sim.state.paylinks[f"p{n:014d}"] = SimPaylink(
                f"p{n:014d}", f"pay_{n:020d}", 19900, "ZAR", None, {}, now)
        gateway = IkhokhaGateway(base_url=sim.api_url, app_id="regress-app",
                                 app_secret="regress-secret", retry_attempts=0)
        try:
            reports = [r async for r in gateway.history(now.date(), now.date())]
        finally:
            await gateway.aclose()
    assert len(reports) == paylinks
