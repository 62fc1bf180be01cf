"""One outbound webhook delivery to the Beta Skill platform (the `DeliveryStore` port)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    id: str
    event_id: str
    url: str
    body: bytes
    created_at: datetime
    next_attempt_at: datetime
    attempts: int = 0
    status: str = "pending"  # pending | delivered | failed
    last_status_code: int | None = None
    last_error: str | None = None
