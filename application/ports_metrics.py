"""Ports for monitoring: live counters (`Metrics`) and the durable records the stats
page is computed from (`GatewayCallLog`, `MonitoringQueries`).

Counters are per process and reset on restart; the stats come from our own tables so
they survive restarts. Nothing here knows Prometheus.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from domain.events import DomainEvent
from domain.payment import Payment


@runtime_checkable
class Metrics(Protocol):
    """Live counters and timings. Every method is cheap, synchronous and never raises."""

    def events_committed(self, events: Sequence[DomainEvent]) -> None:
        """Count payment outcomes from events, once per commit in this process."""
        ...

    def gateway_call(self, endpoint: str, outcome: str, seconds: float) -> None:
        """One call to the gateway port (retries included); outcome is ok or an error code."""
        ...

    def gateway_retry(self, endpoint: str, code: str) -> None:
        """One attempt that failed and was retried inside the gateway adapter."""
        ...

    def callback(self, outcome: str, seconds: float, *, arrived: bool = True) -> None:
        """A callback's outcome: processed, duplicate, orphan, unconfirmed, retry_later,
        rejected; `received` (acknowledged, processing to follow) only counts its arrival.
        `arrived=False`: the outcome of processing after the acknowledgement (its arrival
        was counted then); `seconds` runs from arrival to the outcome."""
        ...

    def error(self, category: str, code: str) -> None:
        """One classified failure answered to a client as a problem."""
        ...


class PreviousSecretObserver(Protocol):
    """Told each time a rotated secret's previous value verified something."""

    def previous_secret_used(self, secret: str) -> None:
        """`secret` names it (`jwt`, `callback`), never the value. Never raises."""
        ...


@dataclass(frozen=True, slots=True)
class GatewayCall:
    """One call to the gateway as we saw it: `outcome` is `ok` or a catalogue code."""

    endpoint: str
    outcome: str
    duration_ms: int
    at: datetime


class GatewayCallLog(Protocol):
    async def record(self, call: GatewayCall) -> None:
        """Store one call durably, best effort: callers ignore failures."""
        ...


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


class MonitoringQueries(Protocol):
    """Read-only questions over our own records, for stats and the operator page."""

    async def payment_totals(self, since: datetime) -> list[StatusTotal]: ...

    async def payment_points(self, since: datetime, limit: int) -> list[PaymentPoint]:
        """Newest first, at most `limit`."""
        ...

    async def gateway_calls(self, since: datetime, limit: int) -> list[GatewayCall]:
        """Newest first, at most `limit`."""
        ...

    async def needing_review(self, limit: int) -> list[Payment]:
        """Payments with a `review_reason`, most recently updated first."""
        ...


@runtime_checkable
class RiskMetrics(Protocol):
    """The risk rules' counters (application/risk.py). Cheap, synchronous, never raise."""

    def risk_decision(self, rule: str, outcome: str) -> None:
        """One rule judged one action: outcome allow, review or block."""
        ...

    def risk_block_lifted(self, rule: str) -> None:
        """An operator lifted a block of this rule."""
        ...
