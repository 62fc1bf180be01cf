"""The callback acknowledgement's one write: `INSERT ... ON CONFLICT DO NOTHING`.

A signed callback is answered 200 as soon as this commits, so it is kept to a single
statement in its own short transaction: the unique dedupe key turns a redelivery into
no row instead of a read-then-insert race. On PostgreSQL the same transaction sends
`NOTIFY` when the item is left for any worker (the receiving instance is busy), so
sweeping workers wake at once instead of at their next tick.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import write_transaction
from adapters.sql.record_tables import InboxRow
from application.ports import InboxItem

_I = InboxRow.__table__  # type: ignore[attr-defined]
INBOX_CHANNEL = "skillpay_inbox"


class SqlCallbackIntake:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._postgres = engine.dialect.name == "postgresql"
        insert = (postgresql if self._postgres else sqlite).insert
        # Built once: each callback only binds its values (no per-request statement
        # construction, and one compiled form in SQLAlchemy's cache).
        self._statement = (insert(_I).on_conflict_do_nothing(index_elements=["dedupe_key"])
                           .returning(_I.c.id))

    async def accept(self, item: InboxItem) -> bool:
        values = {"id": item.id, "dedupe_key": item.dedupe_key, "paylink_id": item.paylink_id,
                  "raw_body": item.raw_body,
                  "headers": json.dumps(dict(item.headers), sort_keys=True),
                  "received_at": item.received_at, "status": item.status,
                  "attempts": item.attempts, "last_error": item.last_error,
                  "next_attempt_at": item.next_attempt_at}
        async with write_transaction(self._engine) as conn:
            stored = (await conn.execute(self._statement, values)).first() is not None
            if stored and self._postgres and item.next_attempt_at is not None \
                    and item.next_attempt_at <= item.received_at:
                await conn.execute(select(func.pg_notify(INBOX_CHANNEL, item.id)))
        return stored
