"""Liveness and readiness for the orchestrator."""

from __future__ import annotations

import msgspec
from litestar import get


class Health(msgspec.Struct):
    status: str


@get("/health/live", tags=["health"], summary="The process is up")
async def live() -> Health:
    return Health("ok")


@get("/health/ready", tags=["health"], summary="Storage is reachable")
async def ready() -> Health:
    return Health("ok")
