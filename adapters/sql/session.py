"""What one unit of work's repositories share: its connection, its identity map and the
writes staged for its commit.

Repositories read through the session and stage into it; the unit of work commits what
is staged (adapters/sql/unit_of_work.py). Both import this module, never each other.

The reads run in autocommit (no BEGIN, no COMMIT, no ROLLBACK: a unit of work that only
reads costs its SELECTs and nothing else); the one transaction opens for the writes at
commit, or before a locking read (`FOR UPDATE`), whose lock must last until the commit.
Every statement runs inside `storage_guard`: the database unreachable leaves as
StorageUnavailable.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql.identity_map import KINDS, IdentityMap
from adapters.sql.unavailable import storage_guard
from application.ports import AuditEntry, InboxItem


class SqlSession:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.identity = IdentityMap()
        self.staged_audit: list[AuditEntry] = []
        self.staged_inbox: dict[str, InboxItem] = {}
        self.stored_inbox_ids: set[str] = set()
        self._conn: AsyncConnection | None = None
        self._reads_autocommit = True
        self._in_transaction = False

    @property
    def has_staged(self) -> bool:
        return bool(self.staged_audit or self.staged_inbox)

    async def connection(self) -> AsyncConnection:
        if self._conn is None:
            with storage_guard():
                conn = await self.engine.connect()
                if self._reads_autocommit:  # local to the driver: no round trip
                    await conn.execution_options(isolation_level="AUTOCOMMIT")
            self._conn = conn
        return self._conn

    async def transaction(self) -> AsyncConnection:
        """The connection, in a transaction from now until commit (PostgreSQL: the
        autocommit of the reads ends here; BEGIN goes out with the next statement)."""
        if not self._reads_autocommit or self._in_transaction:
            return await self.connection()
        self._in_transaction = True
        with storage_guard():
            if self._conn is None:  # nothing read: a plain transactional connection
                self._conn = await self.engine.connect()
                return self._conn
            conn = self._conn
            if conn.in_transaction():
                await conn.commit()  # ends the reads' autocommit bookkeeping; nothing sent
            await conn.execution_options(
                isolation_level=self.engine.dialect.default_isolation_level or "READ COMMITTED")
        return conn

    async def execute(self, statement: Any, params: dict[str, Any] | None = None) -> Any:
        locking = getattr(statement, "_for_update_arg", None) is not None
        conn = await (self.transaction() if locking else self.connection())
        with storage_guard():
            return await conn.execute(statement, params)

    async def select_rows(self, statement: Any, params: dict[str, Any] | None = None
                          ) -> list[Any]:
        """SQLAlchemy Rows: columns as attributes, which the row classes' to_domain reads."""
        return list((await self.execute(statement, params)).all())

    async def select_entities(self, kind: str, statement: Any,
                              params: dict[str, Any] | None = None) -> list[Any]:
        rows = (await self.execute(statement, params)).all()
        return [self.identity.adopt(kind, row) for row in rows]

    async def load(self, kind: str, entity_id: str) -> Any | None:
        known = self.identity.get(kind, entity_id)
        if known is not None:
            return known
        found = await self.select_entities(kind, _by_id(KINDS[kind].__table__),
                                           {"entity_id": entity_id})
        return found[0] if found else None

    async def end_reads(self) -> None:
        """Nothing to write: close the autocommit reads' bookkeeping (nothing is sent)."""
        if self._conn is not None:
            with storage_guard():
                await self._conn.commit()

    def reset(self) -> None:
        """Forget what was read and staged (after a commit, or at the end)."""
        self.identity.clear()
        self.staged_audit.clear()
        self.staged_inbox.clear()
        self.stored_inbox_ids.clear()

    async def close(self) -> None:
        """Roll back what was not committed and give the connection back."""
        conn, self._conn = self._conn, None
        self._in_transaction = False
        self.reset()
        if conn is None:
            return
        with storage_guard():
            try:
                if conn.in_transaction():
                    await conn.rollback()
            finally:
                await conn.close()


@cache
def _by_id(table: Any) -> Any:
    """The lookup by primary key, built once per table (see unit_of_work._insert)."""
    return select(table).where(table.c.id == bindparam("entity_id"))
