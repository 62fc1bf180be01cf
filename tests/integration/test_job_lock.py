"""The pending checker runs on one worker at a time on PostgreSQL: the others skip the
round at once instead of waiting or asking the gateway about the same payments, and the
job passes on when its holder is done or dies."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import create_engine_for
from adapters.sql.job_lock import SqlJobLock, lock_key

pytestmark = pytest.mark.integration
JOB = "pending-checker"


@pytest.fixture
async def engines(postgres_url: str) -> AsyncIterator[list[AsyncEngine]]:
    own = [create_engine_for(postgres_url) for _ in range(3)]
    yield own
    for engine in own:
        await engine.dispose()


async def test_one_worker_holds_the_job_and_the_others_skip_without_waiting(engines):
    locks = [SqlJobLock(e) for e in engines]
    release, ran = asyncio.Event(), []

    async def round_on(n: int, hold_open: bool) -> bool:
        async with locks[n].held(JOB) as mine:
            if mine:
                ran.append(n)
                if hold_open:
                    await release.wait()
            return mine

    holder = asyncio.create_task(round_on(0, hold_open=True))
    while not ran:
        await asyncio.sleep(0.01)
    others = await asyncio.wait_for(asyncio.gather(round_on(1, False), round_on(2, False)),
                                    timeout=30)  # a hang guard: they must not wait
    assert others == [False, False] and ran == [0]
    release.set()
    assert await holder is True
    assert await round_on(2, hold_open=False) is True  # free again once the holder is done
    assert ran == [0, 2]


async def test_a_dead_holder_frees_the_job(engines, postgres_engine):
    locks = [SqlJobLock(e) for e in engines]
    async with locks[0].held(JOB) as mine:
        assert mine
        async with postgres_engine.connect() as admin:  # the holder's session dies
            await admin.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks "
                "WHERE locktype = 'advisory' AND ((classid::bigint << 32) | objid::bigint) "
                "= :k"), {"k": lock_key(JOB)})
            await admin.commit()
        async with locks[1].held(JOB) as taken_over:
            assert taken_over
