"""Platform webhook deliveries in memory (same semantics as the SQL table)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from application.platform_webhooks import Delivery


class MemoryDeliveryStore:
    def __init__(self) -> None:
        self.deliveries: dict[str, Delivery] = {}

    async def enqueue(self, deliveries: Sequence[Delivery]) -> int:
        known = {(d.event_id, d.url) for d in self.deliveries.values()}
        added = 0
        for delivery in deliveries:
            if (delivery.event_id, delivery.url) not in known:
                self.deliveries[delivery.id] = delivery
                known.add((delivery.event_id, delivery.url))
                added += 1
        return added

    async def lease(self, now: datetime, until: datetime, limit: int) -> list[Delivery]:
        due = sorted((d for d in self.deliveries.values()
                      if d.status == "pending" and d.next_attempt_at <= now),
                     key=lambda d: (d.next_attempt_at, d.id))[:limit]
        for d in due:
            self.deliveries[d.id] = replace(d, next_attempt_at=until)
        return due

    async def record_attempt(self, delivery_id: str, *, delivered: bool,
                             status_code: int | None, error: str | None,
                             next_attempt_at: datetime | None, now: datetime) -> None:
        d = self.deliveries[delivery_id]
        status = "delivered" if delivered else ("pending" if next_attempt_at else "failed")
        self.deliveries[delivery_id] = replace(
            d, attempts=d.attempts + 1, status=status, last_status_code=status_code,
            last_error=error, next_attempt_at=next_attempt_at or d.next_attempt_at)

    async def for_event(self, event_id: str) -> list[Delivery]:
        return [d for d in self.deliveries.values() if d.event_id == event_id]

    async def get(self, delivery_id: str) -> Delivery | None:
        return self.deliveries.get(delivery_id)

    async def mentioning(self, ids: Sequence[str], since: datetime,
                         limit: int) -> list[Delivery]:
        needles = [f'"{i}"'.encode() for i in ids]
        found = [d for d in self.deliveries.values() if d.created_at >= since
                 and any(n in d.body for n in needles)]
        return sorted(found, key=lambda d: (d.created_at, d.id))[:limit]
