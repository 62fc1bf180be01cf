"""Port: the durable record of our calls to the gateway (the stats page reads it)."""

from __future__ import annotations

from typing import Protocol

from application.ports.monitoring_records import GatewayCall


class GatewayCallLog(Protocol):
    """Contract: `record` stores one call in its own transaction, outside any unit of
    work; best effort — it may raise on a storage failure, and callers ignore that
    (a payment never fails because its call could not be logged)."""

    async def record(self, call: GatewayCall) -> None:
        """Store one call durably, best effort: callers ignore failures."""
        ...
