"""What the monitoring ports (`GatewayCallLog`, `MonitoringQueries`) store and answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class GatewayCall:
    """One call to the gateway as we saw it: `outcome` is `ok` or a catalogue code."""

    endpoint: str
    outcome: str
    duration_ms: int
    at: datetime


@dataclass(frozen=True, slots=True)
class StatusTotal:
    """Payments created in a window, grouped by status and currency."""

    status: str
    currency: str
    count: int
    amount_minor: int


@dataclass(frozen=True, slots=True)
class PaymentPoint:
    """The little the stats need of one payment: when, what became of it, why."""

    created_at: datetime
    status: str
    failure_code: str | None
