"""A small per-host circuit breaker (closed -> open -> half-open -> closed).

Written here rather than taken from `purgatory`: we need an injectable monotonic
clock so tests never sleep, and a breaker that sees one *attempt* at a time
(retries included). Only gateway-side failures count; a 4xx is our fault, not an
outage, and does not open the circuit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from domain.classification import ClassifiedFailure

# Codes that say "the gateway (or the way to it) is unwell".
TRIPPING_CODES = frozenset({
    "gateway_timeout", "gateway_unreachable", "gateway_connection_reset",
    "gateway_dns_failure", "gateway_server_error", "gateway_malformed_response",
})


@dataclass
class CircuitBreaker:
    """Opens after `threshold` consecutive tripping failures; after `reset_after_s` lets
    one trial attempt through (half-open); its success closes, its failure re-opens."""

    threshold: int = 5
    reset_after_s: float = 30.0
    monotonic: Callable[[], float] = time.monotonic
    failures: int = 0
    opened_at: float | None = None
    trial_in_flight: bool = field(default=False)

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if self.monotonic() - self.opened_at >= self.reset_after_s:
            return "half_open"
        return "open"

    def before_attempt(self) -> None:
        """Raise gateway_circuit_open instead of sending while the circuit is open."""
        state = self.state
        if state == "open" or (state == "half_open" and self.trial_in_flight):
            raise ClassifiedFailure("gateway_circuit_open", "circuit open for gateway host")
        if state == "half_open":
            self.trial_in_flight = True

    def record_success(self) -> None:
        self.failures, self.opened_at, self.trial_in_flight = 0, None, False

    def abandon(self) -> None:
        """An attempt ended without an answer of any kind (e.g. cancelled): free the
        half-open trial slot so the circuit cannot stay open forever."""
        self.trial_in_flight = False

    def record_failure(self, code: str) -> None:
        if code not in TRIPPING_CODES:
            if self.trial_in_flight:  # the gateway answered: it is up
                self.record_success()
            return
        self.trial_in_flight = False
        self.failures += 1
        if self.opened_at is not None or self.failures >= self.threshold:
            self.opened_at = self.monotonic()


class BreakerRegistry:
    """One breaker per gateway host, shared by every call of the process."""

    def __init__(self, factory: Callable[[], CircuitBreaker] = CircuitBreaker) -> None:
        self._factory = factory
        self._breakers: dict[str, CircuitBreaker] = {}

    def for_host(self, host: str) -> CircuitBreaker:
        if host not in self._breakers:
            self._breakers[host] = self._factory()
        return self._breakers[host]
