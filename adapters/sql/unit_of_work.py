"""A unit of work over one database transaction, with the memory adapter's semantics.

Reads go through one connection and an identity map (each row becomes one entity
object per unit of work). Nothing is written until `commit`: then, in one short write
transaction, new entities are inserted and changed ones updated with
`WHERE id = ? AND version = ?` (zero rows: someone else won, ConcurrentUpdate), the
audit entries and outbox rows for the recorded events are added, and it commits — or
nothing at all. Constraint violations are lost races too (see conflicts.py).

One transaction per unit of work, and none for reading: the reads run in autocommit,
so a unit of work that only reads costs its SELECTs and nothing else (no BEGIN, no
COMMIT, no ROLLBACK: on PostgreSQL three round trips became one for a lookup); one that
writes opens its one transaction for the writes (BEGIN, writes, COMMIT), or before a
locking read (`FOR UPDATE`), whose lock must last until the commit. Under READ
COMMITTED, PostgreSQL's default and ours, every statement sees what was committed when
it started whether or not a transaction is open, so the reads see exactly what they
saw inside one (SQLite's driver never opened a transaction for a SELECT anyway); what
keeps the writes right is unchanged: the version check on every update, the
constraints on every insert, and SQLite's single writer.
"""

from __future__ import annotations

from typing import Any, Self

from sqlalchemy import insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql.conflicts import is_conflict
from adapters.sql.engine import writing
from adapters.sql.identity_map import KINDS, IdentityMap, Tracked
from adapters.sql.outbox import outbox_values
from adapters.sql.record_repositories import SqlAudit, SqlInbox
from adapters.sql.record_tables import AuditEntryRow, InboxRow, OutboxRow
from adapters.sql.repositories import SqlEnrollments, SqlPayments, SqlRefunds
from application.audit import audit_entries_for
from application.errors import ConcurrentUpdate
from application.ports import AuditEntry, InboxItem
from domain.events import DomainEvent


class SqlUnitOfWork:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.identity = IdentityMap()
        self.staged_audit: list[AuditEntry] = []
        self.staged_inbox: dict[str, InboxItem] = {}
        self.stored_inbox_ids: set[str] = set()
        self.payments = SqlPayments(self)
        self.enrollments = SqlEnrollments(self)
        self.refunds = SqlRefunds(self)
        self.audit = SqlAudit(self)
        self.webhook_inbox = SqlInbox(self)
        self._conn: AsyncConnection | None = None
        self._reads_autocommit = True
        self._in_transaction = False

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        conn, self._conn = self._conn, None
        self._in_transaction = False
        self._reset()
        if conn is not None:
            try:
                if conn.in_transaction():
                    await conn.rollback()
            finally:
                await conn.close()

    async def connection(self) -> AsyncConnection:
        if self._conn is None:
            conn = await self.engine.connect()
            if self._reads_autocommit:  # local to the driver: no round trip
                await conn.execution_options(isolation_level="AUTOCOMMIT")
            self._conn = conn
        return self._conn

    async def _transaction(self) -> AsyncConnection:
        """The connection, in a transaction from now until commit (PostgreSQL: the
        autocommit of the reads ends here; BEGIN goes out with the next statement)."""
        if not self._reads_autocommit or self._in_transaction:
            return await self.connection()
        self._in_transaction = True
        if self._conn is None:  # nothing read: a plain transactional connection
            self._conn = await self.engine.connect()
            return self._conn
        conn = self._conn
        if conn.in_transaction():
            await conn.commit()  # ends the reads' autocommit bookkeeping; nothing sent
        await conn.execution_options(
            isolation_level=self.engine.dialect.default_isolation_level or "READ COMMITTED")
        return conn

    async def execute(self, statement: Any) -> Any:
        locking = getattr(statement, "_for_update_arg", None) is not None
        conn = await (self._transaction() if locking else self.connection())
        return await conn.execute(statement)

    # -- commit --------------------------------------------------------------------------
    async def commit(self) -> list[DomainEvent]:
        new, changed = self.identity.new(), self.identity.changed()
        events = [e for t in (*new, *changed) for e in t.entity.events]
        if new or changed or self.staged_audit or self.staged_inbox:
            conn = await self._transaction()
            async with writing(self.engine):
                try:
                    await self._write(conn, new, changed, events)
                    await conn.commit()
                except ConcurrentUpdate:
                    await conn.rollback()
                    raise
                except DBAPIError as exc:
                    await conn.rollback()
                    if is_conflict(exc):
                        raise ConcurrentUpdate(f"lost a race: {type(exc.orig).__name__}") from exc
                    raise
        elif self._conn is not None:
            await self._conn.commit()  # autocommit reads: nothing to send
        for tracked in (*new, *changed):
            tracked.entity.events = []
            tracked.entity.version = tracked.next_version
        self._reset()
        return events

    def _reset(self) -> None:
        self.identity.clear()
        self.staged_audit.clear()
        self.staged_inbox.clear()
        self.stored_inbox_ids.clear()

    async def _write(self, conn: AsyncConnection, new: list[Tracked], changed: list[Tracked],
                     events: list[DomainEvent]) -> None:
        for kind in KINDS:  # parents first; a fixed order so row locks cannot deadlock
            # Updates before inserts: closing an expired checkout frees the one-open-payment
            # slot that the new checkout in the same transaction then takes.
            for tracked in sorted((t for t in changed if t.kind == kind), key=lambda t: t.id):
                await self._update(conn, tracked)
            for tracked in sorted((t for t in new if t.kind == kind), key=lambda t: t.id):
                await conn.execute(insert(tracked.table).values(tracked.values()))
        entries = [*self.staged_audit, *audit_entries_for(events)]
        if entries:
            await conn.execute(insert(AuditEntryRow),
                               [AuditEntryRow.from_domain(e).model_dump(exclude={"seq"})
                                for e in entries])
        for item in self.staged_inbox.values():
            await self._write_inbox(conn, item)
        if events:
            await conn.execute(insert(OutboxRow), [outbox_values(e) for e in events])

    @staticmethod
    async def _update(conn: AsyncConnection, tracked: Tracked) -> None:
        table = tracked.table.__table__  # type: ignore[attr-defined]
        result = await conn.execute(
            update(table).where(table.c.id == tracked.id,
                                table.c.version == tracked.loaded_version)
            .values(tracked.values()))
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"{tracked.kind[:-1]} {tracked.id} changed concurrently")

    async def _write_inbox(self, conn: AsyncConnection, item: InboxItem) -> None:
        values = InboxRow.from_domain(item).model_dump()
        if item.id not in self.stored_inbox_ids:
            await conn.execute(insert(InboxRow).values(values))
            return
        table = InboxRow.__table__  # type: ignore[attr-defined]
        await conn.execute(update(table).where(table.c.id == item.id).values(
            status=item.status, attempts=item.attempts, last_error=item.last_error,
            next_attempt_at=item.next_attempt_at))

    async def select_rows(self, statement: Any) -> list[Any]:
        return list((await self.execute(statement)).mappings().all())

    async def select_entities(self, kind: str, statement: Any) -> list[Any]:
        return [self.identity.adopt(kind, row) for row in await self.select_rows(statement)]

    async def load(self, kind: str, entity_id: str) -> Any | None:
        known = self.identity.get(kind, entity_id)
        if known is not None:
            return known
        table = KINDS[kind].__table__  # type: ignore[attr-defined]
        found = await self.select_entities(kind, select(table).where(table.c.id == entity_id))
        return found[0] if found else None


class SqlUnitOfWorkFactory:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)
