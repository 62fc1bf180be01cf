"""Bugs the reliability soak found, each pinned by the smallest test that shows it."""

from __future__ import annotations

import asyncio

import pytest

from adapters.sql.engine import create_engine_for
from adapters.sql.idempotency import SqlIdempotencyStore
from adapters.sql.schema import metadata
from adapters.sql.unit_of_work import SqlUnitOfWork
from application.ports import AuditEntry
from tests.support.builders import T0

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
