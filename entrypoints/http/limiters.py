"""Per-key request limits ("N per minute for this key") behind one async interface.

- In one process (no `REDIS_URL`): `MemoryLimiter`, token buckets with an injected
  monotonic clock (tests move time instead of sleeping). Bursts up to N, then one more
  every 60/N seconds.
- With `REDIS_URL`: `RedisLimiter`, counters kept in Redis by the `limits` library
  (PyPI `limits`: async strategies in `limits.aio`, storage `async+redis://...`), so every
  instance sharing that Redis counts against the same limit; behind N instances a caller
  still gets N per minute, not N times N. We use a library rather than our own Lua: its
  moving-window and fixed-window strategies are already written, atomic in Redis and
  well tested. We use its moving window: at most N in any 60 seconds.

`limits`' own in-memory storage reads `time.time()` and cannot take an injected clock, so
the one-process case keeps the token buckets.

When Redis is configured but unreachable, limits fail open: the request is allowed and a
warning is logged at most once a minute (a rate limit protects us from abuse; refusing
every student with a 5xx because a cache is down would be worse). After a failure Redis
is left alone for `REDIS_PAUSE_S`, so a dead Redis costs no connect attempt per request.

Nothing here is an HTTP concern by itself, but only the HTTP edge uses it, so it lives in
entrypoints/http (application/ stays free of request plumbing).
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger("skillpay.security")

MAX_KEYS = 50_000
REDIS_TIMEOUT_S = 0.5
REDIS_PAUSE_S = 2.0
WARN_EVERY_S = 60.0


class Limiter(Protocol):
    per_minute: int

    async def has_room(self, key: str) -> bool:
        """Whether `hit` would allow one more right now (nothing is taken)."""
        ...

    async def hit(self, key: str) -> float:
        """0.0 when allowed (one is counted); otherwise seconds until one more is allowed."""
        ...


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class MemoryLimiter:
    """Token buckets in this process: `per_minute` per key, bursts up to `per_minute`.
    0 (or less) switches the limit off."""

    def __init__(self, per_minute: int, clock: Callable[[], float]) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    async def has_room(self, key: str) -> bool:
        if self.per_minute <= 0:
            return True
        bucket = self._buckets.get(key)
        if bucket is None:
            return True
        refill = (self._clock() - bucket.at) * self.per_minute / 60.0
        return min(float(self.per_minute), bucket.tokens + refill) >= 1.0

    async def hit(self, key: str) -> float:
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


def limits_uri(redis_url: str) -> str:
    """`redis://host:port/0` as the `limits` library's async storage URI."""
    return redis_url if redis_url.startswith("async+") else "async+" + redis_url


class RedisCounters:
    """One Redis connection pool and the moving-window strategy, shared by every limit of
    this instance; knows whether Redis is answering (fail open, warn once a minute).

    `prefix` starts every key (`SKILLPAY_RATE_LIMIT_PREFIX`): deployments sharing one
    Redis keep apart, and so do test runs."""

    def __init__(self, redis_url: str, prefix: str, clock: Callable[[], float]) -> None:
        from limits.aio.storage import RedisStorage
        from limits.aio.strategies import MovingWindowRateLimiter
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        options: dict[str, Any] = {
            "socket_connect_timeout": REDIS_TIMEOUT_S, "socket_timeout": REDIS_TIMEOUT_S,
            # redis-py retries 10 times with backoff by default: seconds per request
            # against a dead Redis. One quick retry (a dropped pooled connection) is enough.
            "retry": Retry(NoBackoff(), 1)}
        self.storage = RedisStorage(limits_uri(redis_url), wrap_exceptions=True,
                                    implementation="redispy", key_prefix=prefix, **options)
        self.strategy = MovingWindowRateLimiter(self.storage)
        self._clock = clock
        self._paused_until = -math.inf
        self._warned_at = -math.inf

    def available(self) -> bool:
        return self._clock() >= self._paused_until

    def failed(self, failure: BaseException) -> None:
        now = self._clock()
        self._paused_until = now + REDIS_PAUSE_S
        if now - self._warned_at >= WARN_EVERY_S:
            self._warned_at = now
            log.warning("rate limits unavailable, allowing requests: Redis unreachable "
                        "(%s: %s)", type(failure).__name__, failure)

    async def aclose(self) -> None:
        client = getattr(getattr(self.storage, "bridge", None), "storage", None)
        close = getattr(client, "aclose", None)
        if close is not None:
            await close()


def _redis_failures() -> tuple[type[BaseException], ...]:
    from limits.errors import StorageError

    return (StorageError, OSError, TimeoutError)


class RedisLimiter:
    """`per_minute` per key in any 60 seconds, counted in Redis for every instance.
    0 (or less) switches the limit off."""

    def __init__(self, counters: RedisCounters, name: str, per_minute: int) -> None:
        from limits import RateLimitItemPerMinute

        self.per_minute = per_minute
        self._counters = counters
        self._name = name
        self._item = RateLimitItemPerMinute(max(1, per_minute))
        self._failures = _redis_failures()

    async def has_room(self, key: str) -> bool:
        if self.per_minute <= 0 or not self._counters.available():
            return True
        try:
            return await self._counters.strategy.test(self._item, self._name, key)
        except self._failures as failure:
            self._counters.failed(failure)
            return True

    async def hit(self, key: str) -> float:
        if self.per_minute <= 0 or not self._counters.available():
            return 0.0
        strategy = self._counters.strategy
        try:
            if await strategy.hit(self._item, self._name, key):
                return 0.0
            stats = await strategy.get_window_stats(self._item, self._name, key)
        except self._failures as failure:
            self._counters.failed(failure)
            return 0.0
        # the moving window's reset is when its oldest entry leaves (wall-clock seconds)
        return max(1.0, stats.reset_time - time.time())
