"""A process-wide retry budget: a token bucket so retries stay a small share of calls.

During an outage every caller retrying three times multiplies the load on a gateway
that is already failing. Each call earns `ratio` of a token; each retry spends one;
the bucket starts at (and never exceeds) `floor + cap_extra` so quiet processes can
still retry a little.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class RetryBudget:
    ratio: float = 0.2
    floor: float = 10.0
    cap_extra: float = 10.0
    tokens: float = -1.0

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.floor

    @property
    def capacity(self) -> float:
        return self.floor + self.cap_extra

    def record_call(self) -> None:
        self.tokens = min(self.capacity, self.tokens + self.ratio)

    def try_spend(self) -> bool:
        """True (and one token spent) when a retry is allowed now."""
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False
