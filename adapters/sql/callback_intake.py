"""The callback acknowledgement's one write: `INSERT ... ON CONFLICT DO NOTHING`.

A signed callback is answered 200 as soon as this commits, so it is kept to a single
statement in its own short transaction: the unique dedupe key turns a redelivery into
no row instead of a read-then-insert race. On PostgreSQL the same transaction sends
`NOTIFY` when the item is left for any worker (the receiving instance is busy), so
sweeping workers wake at once instead of at their next tick.
"""

from __future__ import annotations

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
        self._insert = (postgresql if self._postgres else sqlite).insert

    async def accept(self, item: InboxItem) -> bool:
        values = InboxRow.from_domain(item).model_dump()
        statement = (self._insert(_I).values(values)
                     .on_conflict_do_nothing(index_elements=["dedupe_key"])
                     .returning(_I.c.id))
        async with write_transaction(self._engine) as conn:
            stored = (await conn.execute(statement)).first() is not None
            if stored and self._postgres and item.next_attempt_at is not None \
                    and item.next_attempt_at <= item.received_at:
                await conn.execute(select(func.pg_notify(INBOX_CHANNEL, item.id)))
        return stored
