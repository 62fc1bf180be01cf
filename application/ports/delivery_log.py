"""Port: the operator's view of the platform webhook deliveries (read, resend)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from application.ports.delivery import Delivery


class DeliveryLog(Protocol):
    """Contract: reads committed deliveries; `record_attempt` is the same write as the
    `DeliveryStore`'s (its own transaction), so a resend shows in the log like any
    scheduled attempt. `mentioning` is bounded by `limit`."""

    async def get(self, delivery_id: str) -> Delivery | None: ...

    async def mentioning(self, ids: Sequence[str], since: datetime,
                         limit: int) -> list[Delivery]:
        """Deliveries created since `since` whose body names one of `ids`."""
        ...

    async def record_attempt(self, delivery_id: str, *, delivered: bool,
                             status_code: int | None, error: str | None,
                             next_attempt_at: datetime | None, now: datetime) -> None: ...
