"""The platform webhook delivery log: one row per (event, URL), every attempt counted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from adapters.sql.column_types import UTCDateTime
from application.platform_webhooks import Delivery

DELIVERY_STATUSES = ("pending", "delivered", "failed")


class DeliveryRow(SQLModel, table=True):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "url", name="uq_webhook_deliveries_event_url"),
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in DELIVERY_STATUSES) + ")",
                        name="ck_webhook_deliveries_status"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )

    id: str = Field(primary_key=True, max_length=96)
    event_id: str = Field(max_length=64)
    url: str = Field(max_length=2048)
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    attempts: int = 0
    status: str = Field(default="pending", max_length=16)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=255)

    @classmethod
    def from_domain(cls, d: Delivery) -> DeliveryRow:
        return cls(id=d.id, event_id=d.event_id, url=d.url, body=d.body,
                   created_at=d.created_at, next_attempt_at=d.next_attempt_at,
                   attempts=d.attempts, status=d.status, last_status_code=d.last_status_code,
                   last_error=d.last_error)

    def to_domain(self) -> Delivery:
        return Delivery(id=self.id, event_id=self.event_id, url=self.url, body=self.body,
                        created_at=self.created_at, next_attempt_at=self.next_attempt_at,
                        attempts=self.attempts, status=self.status,
                        last_status_code=self.last_status_code, last_error=self.last_error)
