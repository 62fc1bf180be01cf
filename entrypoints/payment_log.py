"""The structured payment event log (SKILLPAY_ENABLE_PAYMENT_LOGGING).

Wraps the publisher the transactions use: each committed domain event becomes one
log line with the request id of the request that caused it, then goes on unchanged.
Ids and states only — never a body, a token or a card detail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog

from domain.events import DomainEvent, Transitioned

log = structlog.get_logger("skillpay.payments")
_FIELDS = ("enrollment_id", "paylink_id", "amount_minor", "currency", "reason")


def event_fields(event: DomainEvent) -> dict[str, Any]:
    fields: dict[str, Any] = {"event": event.name, "student_id": event.student_id}
    if isinstance(event, Transitioned):
        fields.update(entity=event.entity, entity_id=event.entity_id,
                      from_status=event.from_status, to_status=event.to_status,
                      actor=event.actor)
    for name in _FIELDS:
        value = getattr(event, name, None)
        if value is not None:
            fields[name] = value
    return fields


class PaymentEventLog:
    def __init__(self, publisher: Any, enabled: bool) -> None:
        self._publisher = publisher
        self._enabled = enabled

    def __getattr__(self, name: str) -> Any:
        return getattr(self._publisher, name)

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        if self._enabled:
            for event in events:
                fields = event_fields(event)
                log.info(fields.pop("event"), kind="payment_event", **fields)
        await self._publisher.publish(events)
