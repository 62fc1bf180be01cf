"""One stored gateway callback (the `WebhookInbox` and `CallbackIntake` ports)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class InboxItem:
    id: str
    dedupe_key: str
    paylink_id: str | None
    raw_body: bytes
    headers: Mapping[str, str]  # secrets already masked
    received_at: datetime
    status: str = "received"  # received | processed | orphan | failed | gave_up
    attempts: int = 0
    last_error: str | None = None
    # When a waiting item may next be taken (a lease or a retry backoff); None: once the
    # sweep's grace after `received_at` has passed.
    next_attempt_at: datetime | None = None
