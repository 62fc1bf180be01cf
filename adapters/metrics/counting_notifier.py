"""Count committed events on their way to the publisher.

Composed around the publisher that `Transactions` calls right after each commit, so
every committed event is counted exactly once, by the process that committed it. With
SQL storage that publisher only wakes the outbox relay; the relay's own notifier is
NOT wrapped, because the relay publishes at least once (a crash between publish and
mark re-publishes) and another process may relay what this one committed. The price:
an event committed just before a crash, before the publisher ran, is never counted;
the stats endpoint reads the tables and has no such gap.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from application.ports import Metrics, Notifier
from domain.events import DomainEvent

log = logging.getLogger("adapters.metrics")


class CountingNotifier:
    def __init__(self, inner: Notifier, metrics: Metrics) -> None:
        self._inner, self._metrics = inner, metrics

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        try:
            self._metrics.events_committed(events)
        except Exception as failure:  # noqa: BLE001 - counting must never block publishing
            log.warning("event counting failed: %s", type(failure).__name__)
        await self._inner.publish(events)
