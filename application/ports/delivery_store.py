"""Port: the platform webhooks' delivery log (what is to be sent, and every attempt)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from application.ports.delivery import Delivery


class DeliveryStore(Protocol):
    """Contract: idempotent per (event_id, url) — an event relayed twice is enqueued
    once; `lease` hands each due delivery to one worker (concurrent takers skip, never
    wait) and moves its next attempt to the lease's end, so a worker that dies mid-send
    leaves it to be taken again: at-least-once delivery. Each call is its own
    transaction, independent of any unit of work."""

    async def enqueue(self, deliveries: Sequence[Delivery]) -> int:
        """Store new deliveries; (event_id, url) already present are skipped."""
        ...

    async def lease(self, now: datetime, until: datetime, limit: int) -> list[Delivery]:
        """Take up to `limit` pending deliveries due at `now` and hold them until `until`
        (their next attempt time moves there, so a worker that dies mid-send leaves them
        to be taken again). Deliveries another worker is taking at the same moment are
        skipped, never waited on: each is handed to one worker."""
        ...

    async def record_attempt(self, delivery_id: str, *, delivered: bool,
                             status_code: int | None, error: str | None,
                             next_attempt_at: datetime | None, now: datetime) -> None: ...

    async def for_event(self, event_id: str) -> list[Delivery]: ...
