"""Wake the outbox relay after a commit instead of publishing directly.

With durable storage, events are published only from the outbox (at least once, in
commit order); the unit of work's commit just nudges the relay so live updates stay
immediate.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from domain.events import DomainEvent


class RelaySignal:
    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    @property
    def event(self) -> asyncio.Event:
        if self._event is None:
            self._event = asyncio.Event()
        return self._event

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        if events:
            self.event.set()

    async def wait(self, timeout_s: float) -> None:
        try:
            await asyncio.wait_for(self.event.wait(), timeout_s)
        except TimeoutError:
            pass
        self.event.clear()
