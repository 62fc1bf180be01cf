"""Port: tell the outside world (live clients, platform webhooks) what happened."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from domain.events import DomainEvent


@runtime_checkable
class Notifier(Protocol):
    """Publishes committed domain events.

    Contract: called only after the events' transaction committed, in commit order.
    Best effort and at least once: the SQL outbox may publish an event again after a
    crash, so receivers deduplicate by event id. An implementation may raise on a
    transport failure; the caller (the relay) retries, and no committed state depends on
    the publish succeeding.
    """

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        """Tell connected clients. Best effort: the outbox guarantees delivery."""
        ...
