"""The audit log and the webhook inbox over a unit of work's SqlSession.

Both stage their writes in the session the unit of work commits, so a callback is
recorded together with the effects of processing it, or not at all. Reads of other
transactions' work see committed rows only, as in the memory adapter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import and_, bindparam, or_, select

from adapters.sql.record_tables import AuditEntryRow, InboxRow
from adapters.sql.session import SqlSession
from application.ports import AuditEntry, InboxItem

_A = AuditEntryRow.__table__.c  # type: ignore[attr-defined]
_I = InboxRow.__table__.c  # type: ignore[attr-defined]
WAITING = ("received", "failed")
# Built once, given their value at execution (a statement built per call costs a new
# cache key); rows map to items through InboxRow.to_domain on the Row itself.
_INBOX = select(InboxRow.__table__)  # type: ignore[attr-defined]
_INBOX_BY_ID = _INBOX.where(_I.id == bindparam("value"))
_INBOX_BY_DEDUPE_KEY = _INBOX.where(_I.dedupe_key == bindparam("value"))


class SqlAudit:
    """Append-only: entries are inserted on commit and never updated or deleted."""

    def __init__(self, session: SqlSession) -> None:
        self._session = session

    async def append(self, entry: AuditEntry) -> None:
        self._session.staged_audit.append(entry)

    async def for_entities(self, entity_ids: Sequence[str]) -> list[AuditEntry]:
        if not entity_ids:
            return []
        rows = await self._session.select_rows(
            select(AuditEntryRow.__table__).where(_A.entity_id.in_(list(entity_ids)))  # type: ignore[attr-defined]
            .order_by(_A.seq))
        return [AuditEntryRow.to_domain(row) for row in rows]


class SqlInbox:
    def __init__(self, session: SqlSession) -> None:
        self._session = session

    async def record(self, item: InboxItem) -> bool:
        if await self.by_dedupe_key(item.dedupe_key) is not None:
            return False
        self._session.staged_inbox[item.id] = item
        return True

    async def get(self, item_id: str) -> InboxItem | None:
        staged = self._session.staged_inbox.get(item_id)
        if staged is not None:
            return staged
        return await self._stored(_INBOX_BY_ID, item_id)

    async def by_dedupe_key(self, dedupe_key: str) -> InboxItem | None:
        for item in self._session.staged_inbox.values():
            if item.dedupe_key == dedupe_key:
                return item
        return await self._stored(_INBOX_BY_DEDUPE_KEY, dedupe_key)

    async def mark(self, item_id: str, status: str, error: str | None = None,
                   next_attempt_at: datetime | None = None) -> None:
        item = await self.get(item_id)
        if item is not None:
            attempts = item.attempts + (1 if status == "failed" else 0)
            self._session.staged_inbox[item_id] = replace(
                item, status=status, last_error=error, attempts=attempts,
                next_attempt_at=next_attempt_at or item.next_attempt_at)

    async def for_paylink(self, paylink_id: str, limit: int) -> list[InboxItem]:
        rows = await self._session.select_rows(
            select(InboxRow.__table__).where(_I.paylink_id == paylink_id)  # type: ignore[attr-defined]
            .order_by(_I.received_at, _I.id).limit(limit))
        return [InboxRow.to_domain(row) for row in rows]

    async def lease(self, now: datetime, fresh_until: datetime, until: datetime,
                    limit: int) -> list[InboxItem]:
        due = or_(_I.next_attempt_at <= now,
                  and_(_I.next_attempt_at.is_(None), _I.received_at <= fresh_until))
        rows = await self._session.select_rows(
            select(InboxRow.__table__).where(_I.status.in_(WAITING), due)  # type: ignore[attr-defined]
            .order_by(_I.received_at, _I.id).limit(limit)
            .with_for_update(skip_locked=True))  # SQLite: ignored; its writer is single
        items = []
        for row in rows:
            self._session.stored_inbox_ids.add(row.id)
            item = replace(InboxRow.to_domain(row), next_attempt_at=until)
            self._session.staged_inbox[item.id] = item
            items.append(item)
        return items

    async def pending(self, limit: int) -> list[InboxItem]:
        rows = await self._session.select_rows(
            select(InboxRow.__table__).where(_I.status.in_(WAITING))  # type: ignore[attr-defined]
            .order_by(_I.received_at, _I.id).limit(limit))
        return [InboxRow.to_domain(row) for row in rows]

    async def _stored(self, statement: object, value: str) -> InboxItem | None:
        rows = await self._session.select_rows(statement, {"value": value})
        if not rows:
            return None
        self._session.stored_inbox_ids.add(rows[0].id)
        return InboxRow.to_domain(rows[0])
