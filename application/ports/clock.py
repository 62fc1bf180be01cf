"""Port: the time every use case reads, so tests can fix it."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """The current time.

    Contract: `now` returns a timezone-aware datetime in UTC, never decreases between
    two calls in one process (as far as the system clock allows), never blocks and
    never raises.
    """

    def now(self) -> datetime:
        """Timezone-aware UTC now."""
        ...
