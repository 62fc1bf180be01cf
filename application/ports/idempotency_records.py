"""What the `IdempotencyStore` port keeps and answers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class IdempotencyOutcome(str, Enum):
    STARTED = "started"
    REPLAY = "replay"
    IN_PROGRESS = "in_progress"
    MISMATCH = "mismatch"


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status_code: int
    body: bytes
    content_type: str = "application/json"


@dataclass(frozen=True, slots=True)
class IdempotencyClaim:
    outcome: IdempotencyOutcome
    response: StoredResponse | None = None
