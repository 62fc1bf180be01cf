"""The Redis that tests sharing state between instances use (SKILLPAY_TEST_REDIS, default
127.0.0.1:6379). Unreachable: the test skips with the reason, except in CI (`CI=true`) or
with SKILLPAY_REQUIRE_REDIS=1, where it fails."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.skipping import skip_or_fail

REDIS_URL = os.environ.get("SKILLPAY_TEST_REDIS", "redis://127.0.0.1:6379/0")


def require_redis() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        reason = f"Redis at {REDIS_URL} unreachable: {exc!r}"
        skip_or_fail(reason, "SKILLPAY_REQUIRE_REDIS")
    return REDIS_URL


def fresh_prefix(name: str = "test") -> str:
    """A key prefix of its own, so runs (and parallel tests) never share counters."""
    return f"skillpay-{name}-{secrets.token_hex(6)}"


@contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections: bound (so nobody else takes it) but not
    listening, for the life of the block."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield int(s.getsockname()[1])
