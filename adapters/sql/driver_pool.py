"""A few asyncpg connections of its own for the acknowledgement's one INSERT.

The engine's pool costs about a tenth of an acknowledgement's CPU per checkout (its
connection record, weak-reference finalizer, events and greenlet hop), for a statement
that needs none of it: one autocommit INSERT, no transaction, no session state. So the
composition root gives the callback intake a small asyncpg pool beside the engine's,
opened on first use and closed with the storage (entrypoints/storage.py). Releasing a
connection runs no reset query, since nothing about the session changed (asyncpg's
default reset costs a round trip per release).
Connection failures leave as StorageUnavailable, as everywhere else.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from adapters.sql.unavailable import storage_guard

DRIVER_POOL_SIZE = 4  # one short statement each: a few connections carry thousands/s


async def _nothing_to_reset(_connection: Any) -> None:
    """Each use is one autocommit statement: no transaction, no SET, no LISTEN to undo."""


class DriverPool:
    def __init__(self, database_url: str, size: int = DRIVER_POOL_SIZE) -> None:
        url = make_url(database_url).set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)
        self._size = size
        self._pool: Any = None
        self._opening = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        """A pooled asyncpg connection for one statement."""
        with storage_guard():
            pool = self._pool or await self._open()
            async with pool.acquire() as conn:
                yield conn

    async def _open(self) -> Any:
        async with self._opening:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(
                    self._dsn, min_size=1, max_size=self._size, reset=_nothing_to_reset)
            return self._pool

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()


def driver_pool_for(database_url: str) -> DriverPool | None:
    """A pool for PostgreSQL; None for SQLite (its one writer goes through the engine)."""
    is_postgres = make_url(database_url).get_backend_name() == "postgresql"
    return DriverPool(database_url) if is_postgres else None
