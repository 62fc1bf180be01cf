"""Async engines for SQLite (embedded default) and PostgreSQL (production).

SQLite allows one writer at a time; concurrent async writers on a pool end in
"database is locked". Every write transaction therefore runs inside `writing(engine)`,
which holds one asyncio.Lock per SQLite engine for its duration. PostgreSQL needs no
such lock: row locks, version checks and constraints settle races there.

Lock order: a connection first, then the lock (as a unit of work's commit does). A
writer holding the lock while waiting for the pool would wait for ever once every pooled
connection belongs to a unit of work waiting for that lock; use `write_transaction`.

Dropped PostgreSQL connections, without a round trip per checkout (no `pool_pre_ping`,
which cost `BEGIN; ; ROLLBACK` before every unit of work):
- at checkout, a connection asyncpg already knows is closed (the server went away while
  it sat in the pool: a restart, an idle timeout) is refused with DisconnectionError,
  and the pool connects afresh, up to three times: the same recovery pre-ping gave, from
  local state only;
- a connection that dies in use fails that one transaction (a storage failure, 503 and
  retried); SQLAlchemy sees the disconnect and invalidates every pooled connection
  opened before it, so the ones after reconnect ("optimistic" disconnect handling);
- `pool_recycle` replaces connections older than half an hour, before any middlebox
  drops them silently.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from adapters.sql.unavailable import storage_guard

SQLITE_BUSY_TIMEOUT_MS = 15000
POOL_RECYCLE_S = 1800
POOL_SIZE = 20
_write_locks: WeakKeyDictionary[Engine, asyncio.Lock] = WeakKeyDictionary()


def create_engine_for(url: str, **options: Any) -> AsyncEngine:
    """An AsyncEngine for `sqlite+aiosqlite://...` or `postgresql+asyncpg://...`."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(url, **options)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    options.setdefault("pool_pre_ping", False)
    options.setdefault("pool_recycle", POOL_RECYCLE_S)
    # Steady connections for a loaded instance: connections past pool_size are opened
    # for a burst and closed when returned, a connect (and TLS offer) each time.
    options.setdefault("pool_size", POOL_SIZE)
    options.setdefault("max_overflow", 10)
    engine = create_async_engine(url, **options)
    event.listen(engine.sync_engine, "checkout", _refuse_closed)
    return engine


def _refuse_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """No round trip: asyncpg marks a connection closed once the server's goodbye (or the
    socket's end) has been read, which happens while it waits in the pool."""
    driver = getattr(dbapi_connection, "_connection", None)
    is_closed = getattr(driver, "is_closed", None)
    if is_closed is not None and is_closed():
        raise exc.DisconnectionError("pooled connection was closed by the server")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


@contextlib.asynccontextmanager
async def writing(engine: AsyncEngine) -> AsyncIterator[None]:
    """Hold the single-writer lock for one write transaction (SQLite only)."""
    if not is_sqlite(engine):
        yield
        return
    lock = _write_locks.get(engine.sync_engine)
    if lock is None:
        lock = _write_locks[engine.sync_engine] = asyncio.Lock()
    async with lock:
        yield


@contextlib.asynccontextmanager
async def write_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One short write transaction: connection, then the writer lock, then BEGIN;
    commits on success, rolls back on error. The database unreachable on the way leaves
    as StorageUnavailable (adapters/sql/unavailable.py)."""
    with storage_guard():
        async with engine.connect() as conn, writing(engine), conn.begin():
            yield conn
