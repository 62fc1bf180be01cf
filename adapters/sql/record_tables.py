"""The record tables: audit trail, webhook inbox, idempotency keys and the outbox.

Uniqueness does the deduplication here (one inbox row per callback, one claim per
scoped idempotency key), so two racing writers cannot both win.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from adapters.sql.column_types import SeqId, UTCDateTime
from application.ports import AuditEntry, InboxItem

INBOX_STATUSES = ("received", "processed", "orphan", "failed", "gave_up")


class AuditEntryRow(SQLModel, table=True):
    """Append-only: the adapter only ever inserts; `seq` keeps the order of writing."""

    __tablename__ = "audit_entries"

    seq: int | None = Field(default=None, sa_column=Column(SeqId, primary_key=True,
                                                           autoincrement=True))
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    actor: str = Field(max_length=128)
    entity: str = Field(max_length=32)
    entity_id: str = Field(max_length=64, index=True)
    action: str = Field(max_length=64)
    from_status: str | None = Field(default=None, max_length=32)
    to_status: str | None = Field(default=None, max_length=32)
    reason: str | None = Field(default=None)

    @staticmethod
    def values_of(e: AuditEntry) -> dict[str, Any]:
        """The columns of a new entry (`seq` is the database's)."""
        return {"at": e.at, "actor": e.actor, "entity": e.entity, "entity_id": e.entity_id,
                "action": e.action, "from_status": e.from_status, "to_status": e.to_status,
                "reason": e.reason}

    def to_domain(self) -> AuditEntry:
        return AuditEntry(at=self.at, actor=self.actor, entity=self.entity,
                          entity_id=self.entity_id, action=self.action,
                          from_status=self.from_status, to_status=self.to_status,
                          reason=self.reason)


# When a payment reached a status (analytics: time to pay), read from the index alone.
_audit = AuditEntryRow.__table__.c  # type: ignore[attr-defined]
Index("ix_audit_entries_transition", _audit.entity_id, _audit.to_status, _audit.entity,
      _audit.at)


class InboxRow(SQLModel, table=True):
    __tablename__ = "webhook_inbox"
    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_webhook_inbox_dedupe_key"),
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in INBOX_STATUSES) + ")",
                        name="ck_webhook_inbox_status"),
    )

    id: str = Field(primary_key=True, max_length=64)
    dedupe_key: str = Field(max_length=255)
    paylink_id: str | None = Field(default=None, max_length=128)
    raw_body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    headers: str = Field(sa_column=Column(Text, nullable=False))  # JSON object
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    status: str = Field(default="received", max_length=32)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None)
    next_attempt_at: datetime | None = Field(default=None,
                                             sa_column=Column(UTCDateTime(), nullable=True))

    @staticmethod
    def values_of(i: InboxItem) -> dict[str, Any]:
        return {"id": i.id, "dedupe_key": i.dedupe_key, "paylink_id": i.paylink_id,
                "raw_body": i.raw_body, "headers": json.dumps(dict(i.headers), sort_keys=True),
                "received_at": i.received_at, "status": i.status, "attempts": i.attempts,
                "last_error": i.last_error, "next_attempt_at": i.next_attempt_at}

    def to_domain(self) -> InboxItem:
        return InboxItem(id=self.id, dedupe_key=self.dedupe_key, paylink_id=self.paylink_id,
                         raw_body=bytes(self.raw_body), headers=json.loads(self.headers),
                         received_at=self.received_at, status=self.status,
                         attempts=self.attempts, last_error=self.last_error,
                         next_attempt_at=self.next_attempt_at)


Index("ix_webhook_inbox_pending", InboxRow.__table__.c.status,  # type: ignore[attr-defined]
      InboxRow.__table__.c.received_at)  # type: ignore[attr-defined]
Index("ix_webhook_inbox_due", InboxRow.__table__.c.status,  # type: ignore[attr-defined]
      InboxRow.__table__.c.next_attempt_at)  # type: ignore[attr-defined]


class IdempotencyKeyRow(SQLModel, table=True):
    """One claim per (scope, key); the stored response is replayed for 24 hours."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_keys_scope_key"),)

    id: int | None = Field(default=None, sa_column=Column(SeqId, primary_key=True,
                                                          autoincrement=True))
    scope: str = Field(max_length=255)
    key: str = Field(max_length=255)
    fingerprint: str = Field(max_length=128)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    locked_until: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    status_code: int | None = Field(default=None)
    body: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    content_type: str | None = Field(default=None, max_length=128)


class OutboxRow(SQLModel, table=True):
    """Events written in the business transaction; a relay publishes them afterwards."""

    __tablename__ = "outbox"

    seq: int | None = Field(default=None, sa_column=Column(SeqId, primary_key=True,
                                                           autoincrement=True))
    event_id: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=64)
    payload: str = Field(sa_column=Column(Text, nullable=False))  # JSON of the event fields
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    relayed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(),
                                                                       nullable=True))


Index("ix_outbox_unrelayed", OutboxRow.__table__.c.relayed_at,  # type: ignore[attr-defined]
      OutboxRow.__table__.c.seq)  # type: ignore[attr-defined]
