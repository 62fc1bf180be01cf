"""Notifiers that log events, or record them for tests to assert on."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from domain.events import DomainEvent

log = logging.getLogger("skillpay.events")


class LoggingNotifier:
    async def publish(self, events: Sequence[DomainEvent]) -> None:
        for event in events:
            log.info("event %s for student %s", event.name, event.student_id)


class RecordingNotifier:
    def __init__(self) -> None:
        self.sent: list[DomainEvent] = []

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        self.sent.extend(events)

    def names(self) -> list[str]:
        return [e.name for e in self.sent]
