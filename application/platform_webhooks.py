"""Outbound webhooks to the Beta Skill platform: every event, at least once, signed.

`EnqueuePlatformWebhooks` is a Notifier: each published event becomes one delivery per
configured URL (deduplicated by event id and URL, so a re-relayed event is not sent
twice). `DeliverPlatformWebhooks` sends what is due, on the Standard Webhooks retry
schedule, and records every attempt in the delivery log.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import timedelta

from application.event_payload import event_payload
from application.ports import Clock, Delivery, DeliveryStore, WebhookSender
from domain.events import DomainEvent

log = logging.getLogger("skillpay.platform_webhooks")

SEND_LEASE = timedelta(seconds=15)  # per delivery taken: longer than one send's timeout
# Immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (Standard Webhooks guidance).
RETRY_SCHEDULE = (timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30),
                  timedelta(hours=2), timedelta(hours=5), timedelta(hours=10),
                  timedelta(hours=10))


class EnqueuePlatformWebhooks:
    def __init__(self, store: DeliveryStore, urls: Sequence[str], clock: Clock) -> None:
        self._store, self._urls, self._clock = store, tuple(urls), clock

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        if not self._urls:
            return
        now = self._clock.now()
        deliveries = []
        for event in events:
            payload = event_payload(event)
            body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
            for index, url in enumerate(self._urls):
                deliveries.append(Delivery(id=f"{payload['id']}-{index}", event_id=payload["id"],
                                           url=url, body=body, created_at=now,
                                           next_attempt_at=now))
        await self._store.enqueue(deliveries)


class DeliverPlatformWebhooks:
    def __init__(self, store: DeliveryStore, sender: WebhookSender, clock: Clock) -> None:
        self._store, self._sender, self._clock = store, sender, clock

    async def __call__(self, limit: int = 100) -> int:
        """Attempt every due delivery once; return how many were delivered."""
        delivered = 0
        now = self._clock.now()
        for delivery in await self._store.lease(now, now + SEND_LEASE * limit, limit):
            status, error = None, None
            try:
                status = await self._sender.send(delivery.url, delivery.event_id, delivery.body)
            except Exception as failure:  # noqa: BLE001 - any failure is retried later
                error = type(failure).__name__
            ok = status is not None and 200 <= status < 300
            attempt = delivery.attempts + 1
            later = None if ok or attempt > len(RETRY_SCHEDULE) else (
                self._clock.now() + RETRY_SCHEDULE[attempt - 1])
            if not ok and later is None:
                log.error("platform webhook %s to %s given up after %d attempts",
                          delivery.event_id, delivery.url, attempt)
            await self._store.record_attempt(delivery.id, delivered=ok, status_code=status,
                                             error=error, next_attempt_at=later,
                                             now=self._clock.now())
            delivered += ok
        return delivered
