"""The callback acknowledgement's one write: `INSERT ... ON CONFLICT DO NOTHING`.

A signed callback is answered 200 as soon as this commits, so it is one statement, run
on its own: on PostgreSQL in autocommit (one round trip: no BEGIN, no COMMIT; a single
statement is atomic anyway), on SQLite under the single-writer lock. The unique dedupe
key turns a redelivery into no row instead of a read-then-insert race. When the item is
left to any worker (the receiving instance is busy), the same statement also sends
`NOTIFY skillpay_inbox` (a data-modifying CTE), so sweeping workers wake at once instead
of at their next tick.

On PostgreSQL the statement goes to asyncpg directly: it is the hottest write of the
service, and SQLAlchemy's per-statement work (parameter processing, result wrapping) was
about half of an acknowledgement's CPU, its pool checkout another tenth
(docs/benchmarks.md). The composition root gives the intake a small pool of its own
(driver_pool.py, closed with the storage); built without one (tools, tests), it borrows
a connection of the engine's pool. The SQL text is generated from the table once, so
it cannot drift from the schema; asyncpg prepares it once per connection.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import bindparam, func, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.dialect_sql import postgres_text
from adapters.sql.driver_pool import DriverPool
from adapters.sql.engine import write_transaction
from adapters.sql.record_tables import InboxRow
from adapters.sql.unavailable import connect
from application.ports import InboxItem

_I = InboxRow.__table__  # type: ignore[attr-defined]
INBOX_CHANNEL = "skillpay_inbox"


class SqlCallbackIntake:
    def __init__(self, engine: AsyncEngine, driver: DriverPool | None = None) -> None:
        self._engine, self._driver = engine, driver
        self._postgres = engine.dialect.name == "postgresql"
        insert = (postgresql if self._postgres else sqlite).insert
        # Built once: each callback only binds its values (no per-request statement
        # construction, one compiled form in SQLAlchemy's cache).
        self._store = (insert(_I).values({c.name: bindparam(c.name, type_=c.type)
                                          for c in _I.columns})
                       .on_conflict_do_nothing(index_elements=["dedupe_key"])
                       .returning(_I.c.id))
        stored = self._store.cte("stored")
        channel = literal_column(f"'{INBOX_CHANNEL}'")  # a constant of ours, not input
        self._store_and_wake = select(stored.c.id, func.pg_notify(channel, stored.c.id))
        self._columns = [c.name for c in _I.columns]
        if self._postgres:
            self._store_sql = postgres_text(self._store, self._columns)
            self._store_and_wake_sql = postgres_text(self._store_and_wake, self._columns)

    async def accept(self, item: InboxItem) -> bool:
        values = {"id": item.id, "dedupe_key": item.dedupe_key, "paylink_id": item.paylink_id,
                  "raw_body": item.raw_body,
                  "headers": json.dumps(dict(item.headers), sort_keys=True),
                  "received_at": item.received_at, "status": item.status,
                  "attempts": item.attempts, "last_error": item.last_error,
                  "next_attempt_at": item.next_attempt_at}
        if not self._postgres:
            async with write_transaction(self._engine) as conn:
                return (await conn.execute(self._store, values)).first() is not None
        left_to_any = item.next_attempt_at is not None and item.next_attempt_at <= item.received_at
        sql = self._store_and_wake_sql if left_to_any else self._store_sql
        # Outside a transaction asyncpg runs it in autocommit: one round trip.
        async with self._connection() as conn:  # failures leave as StorageUnavailable
            stored = await conn.fetchval(sql, *(values[name] for name in self._columns))
            return stored is not None

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[Any]:
        if self._driver is not None:
            async with self._driver.connection() as conn:
                yield conn
            return
        async with connect(self._engine) as borrowed:
            yield (await borrowed.get_raw_connection()).driver_connection
