"""One worker at a time for a background job that scans the whole table (the pending
payments checker), on PostgreSQL: a session advisory lock taken with `pg_try_advisory_lock`.

Workers that share rows lease them (`FOR UPDATE SKIP LOCKED`, see the inbox, the outbox
and the deliveries). The checker instead walks every open payment on its own schedule,
so several workers running it would each ask the gateway about the same payments. Here
the first worker to try holds the job; the others skip this round at once (they never
wait), and take over on a later round if the holder dies: its connection closes and the
lock goes with it. SQLite (one writer, usually one process) and memory storage run the
job unconditionally.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.unavailable import storage_guard

_NAMESPACE = 0x534B  # "SK": keeps our lock ids apart from anyone else's on the server


def lock_key(job: str) -> int:
    """A stable 64-bit key per job name (the same on every worker and every release)."""
    return (_NAMESPACE << 32) | zlib.crc32(job.encode())


class SqlJobLock:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @contextlib.asynccontextmanager
    async def held(self, job: str) -> AsyncIterator[bool]:
        """Yields True when this worker holds `job` for the block, False to skip it."""
        if self._engine.dialect.name != "postgresql":
            yield True
            return
        async with contextlib.AsyncExitStack() as stack:
            with storage_guard():  # the taking only: the job's own failures are its own
                conn = await stack.enter_async_context(self._engine.connect())
                auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
                key = lock_key(job)
                mine = bool((await auto.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                                {"k": key})).scalar())
            try:
                yield mine
            finally:
                if mine:  # a dead session released it already
                    with contextlib.suppress(DBAPIError, OSError):
                        await auto.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})


class AlwaysHeld:
    """Memory storage: one process, so every job is this worker's."""

    @contextlib.asynccontextmanager
    async def held(self, job: str) -> AsyncIterator[bool]:
        yield True
