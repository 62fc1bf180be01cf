"""Readiness: can this instance serve payments right now?

Ready means the database answers and is at the schema this release expects (memory
storage is always ready), and Redis answers when REDIS_URL is configured. The gateway's
circuit is reported but never fails readiness: taking every instance out of the load
balancer because iKhokha is down would also stop callbacks and status pages.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from adapters.sql import migrate
from entrypoints.settings import Settings

PROBE_TIMEOUT_S = 3.0


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


async def _database(settings: Settings) -> Check:
    if settings.database_url.startswith("memory:"):
        return Check("database", True, "memory storage")
    try:
        current = await asyncio.wait_for(migrate.current(settings.database_url),
                                         PROBE_TIMEOUT_S)
    except Exception as failure:  # noqa: BLE001 - any failure means "not ready"
        return Check("database", False, f"unreachable ({type(failure).__name__})")
    head = migrate.head_revision()
    if current != head:
        return Check("database", False, f"schema at {current or 'nothing'}, expected {head}")
    return Check("database", True, f"schema at {head}")


async def _redis(url: str) -> Check:
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_connect_timeout=PROBE_TIMEOUT_S,
                            socket_timeout=PROBE_TIMEOUT_S)
    try:
        await asyncio.wait_for(client.ping(), PROBE_TIMEOUT_S)
    except Exception as failure:  # noqa: BLE001 - any failure means "not ready"
        return Check("redis", False, f"unreachable ({type(failure).__name__})")
    finally:
        await client.aclose()
    return Check("redis", True, "answers")


class Readiness:
    def __init__(self, settings: Settings, gateway: Any) -> None:
        self._settings, self._gateway = settings, gateway

    def circuit(self) -> str:
        breaker = getattr(self._gateway, "breaker", None)
        return str(breaker.state) if breaker is not None else "none"

    async def __call__(self) -> list[Check]:
        checks = [await _database(self._settings)]
        if self._settings.redis_url:
            checks.append(await _redis(self._settings.redis_url))
        return checks
