"""Per-caller rate limits: payment creation and verify per token subject, bad callbacks per
client IP. Verify asks the gateway, whose circuit breaker every student shares: one
student's script must not be able to trip it (concurrent verifies of one payment also
share one gateway call, see application/single_flight.py).

A correctly signed callback is never throttled: iKhokha calls from few addresses, and a
course launch sends hundreds at once. Only callbacks whose signature fails count against
their address (`SKILLPAY_RATE_LIMIT_WEBHOOK` per minute); past that, that address's bad
callbacks get 429 and are no longer written to the audit trail (the webhook handler
applies this, after the cheap signature check).

Over the limit: 429 problem `rate_limited` with Retry-After. A request without a valid
token is not counted here; the handler refuses it (401) anyway.

Where the counts live (entrypoints/http/limiters.py): in this process without `REDIS_URL`;
in Redis with it, shared by every instance (a limit of 3 per minute is 3 across all of
them), failing open when Redis is down. The open-checkout cap needs nothing here: it is
enforced by the database (a unique slot index, application/open_checkouts.py).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from litestar.types import ASGIApp, Receive, Scope, Send

from entrypoints.http.asgi_problem import send_problem
from entrypoints.http.auth import TokenCodec
from entrypoints.http.limiters import Limiter, MemoryLimiter, RedisCounters, RedisLimiter

log = logging.getLogger("skillpay.security")
PAYMENTS_PATH = "/api/v1/payments"
WEBHOOK_PATH = "/webhooks/ikhokha"
VERIFY_SUFFIX = "/verify"


class RateLimits:
    """The three limits of one instance; with `redis_url` their counts live in Redis
    (keys start with `prefix`), else in this process."""

    def __init__(self, tokens: TokenCodec, payments_per_minute: int,
                 webhook_per_minute: int, clock: Callable[[], float],
                 verify_per_minute: int = 30, redis_url: str | None = None,
                 prefix: str = "skillpay") -> None:
        self._tokens = tokens
        self._counters = RedisCounters(redis_url, prefix, clock) if redis_url else None

        def limiter(name: str, per_minute: int) -> Limiter:
            if self._counters is None:
                return MemoryLimiter(per_minute, clock)
            return RedisLimiter(self._counters, name, per_minute)

        self.payments = limiter("payments", payments_per_minute)
        self.webhook = limiter("webhook", webhook_per_minute)
        self.verify = limiter("verify", verify_per_minute)

    async def aclose(self) -> None:
        if self._counters is not None:
            await self._counters.aclose()

    def key_and_buckets(self, scope: Scope) -> tuple[str, Limiter] | None:
        if scope["method"] != "POST":
            return None
        path = scope["path"].rstrip("/")
        if path == PAYMENTS_PATH:
            buckets = self.payments
        elif path.startswith(PAYMENTS_PATH + "/") and path.endswith(VERIFY_SUFFIX):
            buckets = self.verify
        else:
            return None
        auth = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        sub = self._tokens.subject_or_none(auth)
        return ("sub:" + sub, buckets) if sub else None


def client_key(scope: Scope) -> str:
    return "ip:" + str(scope.get("state", {}).get("client_ip", ""))


def rate_limit_middleware(limits: RateLimits):  # type: ignore[no-untyped-def]
    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            chosen = limits.key_and_buckets(scope) if scope["type"] == "http" else None
            if chosen is not None:
                key, buckets = chosen
                wait_s = await buckets.hit(key)
                if wait_s > 0:
                    log.warning("rate limited on %s (%s per minute)", scope["path"],
                                buckets.per_minute)
                    await send_problem(send, "rate_limited", "too many requests; slow down",
                                       scope["path"],
                                       {"Retry-After": str(max(1, math.ceil(wait_s)))})
                    return
            await app(scope, receive, send)

        return middleware

    return factory
