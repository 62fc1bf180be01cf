"""In-process token buckets: `rate` requests per minute per key, bursts up to `rate`.

The clock is injected (seconds, monotonic) so tests move time instead of sleeping. One
process's buckets are its own: behind N instances the effective limit is N times rate.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

MAX_KEYS = 50_000


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class TokenBuckets:
    def __init__(self, per_minute: int, clock: Callable[[], float]) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def has_room(self, key: str) -> bool:
        """Whether `take` would allow one more right now (nothing is taken)."""
        if self.per_minute <= 0:
            return True
        bucket = self._buckets.get(key)
        if bucket is None:
            return True
        refill = (self._clock() - bucket.at) * self.per_minute / 60.0
        return min(float(self.per_minute), bucket.tokens + refill) >= 1.0

    def take(self, key: str) -> float:
        """0.0 when allowed (one token taken); otherwise seconds until the next token."""
        if self.per_minute <= 0:
            return 0.0
        now = self._clock()
        rate = self.per_minute / 60.0
        bucket = self._buckets.pop(key, None) or _Bucket(float(self.per_minute), now)
        bucket.tokens = min(float(self.per_minute), bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        self._buckets[key] = bucket
        if len(self._buckets) > MAX_KEYS:
            self._buckets.popitem(last=False)  # forget the least recently seen key
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / rate
