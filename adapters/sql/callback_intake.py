"""The callback acknowledgement's one write: `INSERT ... ON CONFLICT DO NOTHING`.

A signed callback is answered 200 as soon as this commits. Callbacks that arrive
together are stored together (group commit, group_commit.py), each answered only once
its row is committed: on PostgreSQL by one statement in autocommit (one round trip: no
BEGIN, no COMMIT; a single statement is atomic anyway), on SQLite by one write
transaction under the single-writer lock; either way one multi-row INSERT. The unique dedupe
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

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.dialect_sql import unnest_insert, values_insert
from adapters.sql.driver_pool import DRIVER_POOL_SIZE, DriverPool
from adapters.sql.engine import write_transaction
from adapters.sql.group_commit import GroupCommit
from adapters.sql.record_tables import InboxRow
from adapters.sql.unavailable import connect
from application.ports import InboxItem

_I = InboxRow.__table__  # type: ignore[attr-defined]
INBOX_CHANNEL = "skillpay_inbox"


class SqlCallbackIntake:
    def __init__(self, engine: AsyncEngine, driver: DriverPool | None = None) -> None:
        self._engine, self._driver = engine, driver
        self._postgres = engine.dialect.name == "postgresql"
        self._columns = [c.name for c in _I.columns]
        insert = unnest_insert(_I, conflict="dedupe_key", returning="id")
        self._store_sql = insert
        # An item left to any worker wakes the listening ones when its row commits.
        self._store_and_wake_sql = (
            f"WITH stored AS ({insert}, next_attempt_at <= received_at AS wake) "
            f"SELECT id, CASE WHEN wake THEN pg_notify('{INBOX_CHANNEL}', id) END "
            "FROM stored")
        # SQLite has one writer: a second transaction in flight would only wait for it.
        self._batches = GroupCommit(self._store_together,
                                    at_once=DRIVER_POOL_SIZE if self._postgres else 1)

    async def accept(self, item: InboxItem) -> bool:
        return await self._batches.store(item)

    async def _store_together(self, items: list[InboxItem]) -> list[bool]:
        """One commit for `items`; for each, whether it was stored (else a duplicate)."""
        if not self._postgres:
            statement = values_insert(_I, len(items), conflict="dedupe_key", returning="id")
            params = {f"{name}_{n}": value for n, item in enumerate(items)
                      for name, value in _values(item).items()}
            async with write_transaction(self._engine) as conn:
                stored = {row[0] for row in await conn.execute(statement, params)}
            return [item.id in stored for item in items]
        rows = [_values(item) for item in items]
        arrays = [[row[name] for row in rows] for name in self._columns]
        wake = any(_left_to_any(item) for item in items)
        sql = self._store_and_wake_sql if wake else self._store_sql
        # Outside a transaction asyncpg runs it in autocommit: one round trip.
        async with self._connection() as conn:  # failures leave as StorageUnavailable
            stored = {record[0] for record in await conn.fetch(sql, *arrays)}
        return [item.id in stored for item in items]

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[Any]:
        if self._driver is not None:
            async with self._driver.connection() as conn:
                yield conn
            return
        async with connect(self._engine) as borrowed:
            yield (await borrowed.get_raw_connection()).driver_connection


def _left_to_any(item: InboxItem) -> bool:
    return item.next_attempt_at is not None and item.next_attempt_at <= item.received_at


def _values(item: InboxItem) -> dict[str, Any]:
    return {"id": item.id, "dedupe_key": item.dedupe_key, "paylink_id": item.paylink_id,
            "raw_body": item.raw_body, "headers": json.dumps(dict(item.headers), sort_keys=True),
            "received_at": item.received_at, "status": item.status, "attempts": item.attempts,
            "last_error": item.last_error, "next_attempt_at": item.next_attempt_at}
