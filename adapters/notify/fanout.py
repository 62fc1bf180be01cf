"""Publish to several notifiers; one failing never stops the others (the outbox and
the relay give delivery guarantees, live channels are best effort)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from application.ports import Notifier
from domain.events import DomainEvent

log = logging.getLogger("skillpay.notify")


class FanoutNotifier:
    def __init__(self, *notifiers: Notifier) -> None:
        self._notifiers = notifiers

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        for notifier in self._notifiers:
            try:
                await notifier.publish(events)
            except Exception:
                log.exception("notifier %s failed", type(notifier).__name__)
