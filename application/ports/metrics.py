"""Port: live counters and timings of this process (Prometheus in production).

Counters are per process and reset on restart; the stats page reads our own tables
instead (`MonitoringQueries`). Nothing here knows Prometheus.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from domain.events import DomainEvent


@runtime_checkable
class Metrics(Protocol):
    """Live counters and timings.

    Contract: every method is cheap, synchronous and never raises (a
    metrics failure must not fail a payment); nothing is persisted.
    """

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
