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

The connection, the identity map and the staged writes live in a `SqlSession`
(session.py), which the repositories read through; the database unreachable leaves as
StorageUnavailable (unavailable.py).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Self

from sqlalchemy import bindparam, insert, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql.analytics_rollup import record_rollups
from adapters.sql.conflicts import is_conflict
from adapters.sql.engine import writing
from adapters.sql.identity_map import KINDS, IdentityMap, Tracked
from adapters.sql.outbox import outbox_values
from adapters.sql.record_repositories import SqlAudit, SqlInbox
from adapters.sql.record_tables import AuditEntryRow, InboxRow, OutboxRow
from adapters.sql.repositories import SqlEnrollments, SqlPayments, SqlRefunds
from adapters.sql.session import SqlSession
from adapters.sql.unavailable import storage_guard
from application.audit import audit_entries_for
from application.errors import ConcurrentUpdate
from application.ports import InboxItem
from domain.events import DomainEvent


class SqlUnitOfWork:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.session = SqlSession(engine)
        self.payments = SqlPayments(self.session)
        self.enrollments = SqlEnrollments(self.session)
        self.refunds = SqlRefunds(self.session)
        self.audit = SqlAudit(self.session)
        self.webhook_inbox = SqlInbox(self.session)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()

    @property
    def identity(self) -> IdentityMap:
        return self.session.identity

    async def connection(self) -> AsyncConnection:
        return await self.session.connection()

    async def execute(self, statement: Any) -> Any:
        return await self.session.execute(statement)

    # -- commit --------------------------------------------------------------------------
    async def commit(self) -> list[DomainEvent]:
        session = self.session
        new, changed = session.identity.new(), session.identity.changed()
        events = [e for t in (*new, *changed) for e in t.entity.events]
        if new or changed or session.has_staged:
            conn = await session.transaction()
            with storage_guard():
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
                            raise ConcurrentUpdate(
                                f"lost a race: {type(exc.orig).__name__}") from exc
                        raise
        else:
            await session.end_reads()
        for tracked in (*new, *changed):
            tracked.entity.events = []
            tracked.entity.version = tracked.next_version
        session.reset()
        return events

    async def _write(self, conn: AsyncConnection, new: list[Tracked], changed: list[Tracked],
                     events: list[DomainEvent]) -> None:
        for kind in KINDS:  # parents first; a fixed order so row locks cannot deadlock
            # Updates before inserts: closing an expired checkout frees the one-open-payment
            # slot that the new checkout in the same transaction then takes.
            for tracked in sorted((t for t in changed if t.kind == kind), key=lambda t: t.id):
                await self._update(conn, tracked)
            for tracked in sorted((t for t in new if t.kind == kind), key=lambda t: t.id):
                await conn.execute(_insert(tracked.table.__table__), tracked.values())
        entries = [*self.session.staged_audit, *audit_entries_for(events)]
        if entries:
            await conn.execute(_insert(AuditEntryRow.__table__),  # type: ignore[attr-defined]
                               [AuditEntryRow.values_of(e) for e in entries])
        for item in self.session.staged_inbox.values():
            await self._write_inbox(conn, item)
        if events:
            await conn.execute(insert(OutboxRow), [outbox_values(e) for e in events])
        # Last, so a day row of the analytics is locked for one COMMIT at most.
        await record_rollups(conn, [*new, *changed], entries,
                             lambda eid: self.identity.get("enrollments", eid))

    @staticmethod
    async def _update(conn: AsyncConnection, tracked: Tracked) -> None:
        result = await conn.execute(_update(tracked.table.__table__), {
            **tracked.values(), "b_id": tracked.id, "b_version": tracked.loaded_version})
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"{tracked.kind[:-1]} {tracked.id} changed concurrently")

    async def _write_inbox(self, conn: AsyncConnection, item: InboxItem) -> None:
        table = InboxRow.__table__  # type: ignore[attr-defined]
        if item.id not in self.session.stored_inbox_ids:
            await conn.execute(_insert(table), InboxRow.values_of(item))
            return
        await conn.execute(_inbox_progress(table), {
            "b_id": item.id, "status": item.status, "attempts": item.attempts,
            "last_error": item.last_error, "next_attempt_at": item.next_attempt_at})


# The entities' writes are built once per table and given their values at execution:
# a statement built with its values each time costs SQLAlchemy a new cache key over
# every value, more than the rest of the write (profile in docs/benchmarks.md).
@cache
def _insert(table: Any) -> Any:
    return insert(table)


@cache
def _inbox_progress(table: Any) -> Any:
    """What processing changes of a stored inbox item: its status, attempts and retry."""
    return update(table).where(table.c.id == bindparam("b_id")).values(
        status=bindparam("status"), attempts=bindparam("attempts"),
        last_error=bindparam("last_error"), next_attempt_at=bindparam("next_attempt_at"))


@cache
def _update(table: Any) -> Any:
    """UPDATE ... SET (the columns given) WHERE id = :b_id AND version = :b_version."""
    return update(table).where(table.c.id == bindparam("b_id"),
                               table.c.version == bindparam("b_version"))


class SqlUnitOfWorkFactory:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)
