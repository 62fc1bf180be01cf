"""Liveness and readiness for the orchestrator."""

from __future__ import annotations

import msgspec
from litestar import Response, get
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec

from entrypoints.readiness import Readiness

PROBLEM_JSON = "application/problem+json"


class Health(msgspec.Struct, frozen=True, kw_only=True):
    status: str


class CheckOut(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    ok: bool
    detail: str


class Readiness503(msgspec.Struct, frozen=True, kw_only=True):
    """problem+json-shaped so tooling shows it like every other error."""

    type: str
    title: str
    status: int
    detail: str
    checks: list[CheckOut]
    gateway_circuit: str


class Ready(msgspec.Struct, frozen=True, kw_only=True):
    status: str
    checks: list[CheckOut]
    gateway_circuit: str


@get("/health/live", operation_id="healthLive",
     tags=["health"], summary="The process is up", security=[])
async def live() -> Health:
    return Health(status="ok")


@get("/health/ready", operation_id="healthReady", tags=["health"], security=[],
     summary="Database reachable and migrated; Redis reachable when configured",
     description="503 with the failing checks when not ready. The gateway circuit is "
                 "reported but never makes the instance unready.",
     responses={503: ResponseSpec(data_container=Readiness503, media_type=PROBLEM_JSON,
                                  description="Not ready: the failing checks")})
async def ready(readiness: NamedDependency[Readiness]) -> Ready | Response[Readiness503]:
    """`Ready` with 200, or the failing checks as problem+json with 503 (documented by
    the ResponseSpec above; openapi_doc.py keeps the 200 to `Ready` alone)."""
    checks = msgspec.convert(await readiness(), list[CheckOut], from_attributes=True)
    circuit = readiness.circuit()
    failing = [c.name for c in checks if not c.ok]
    if failing:
        body = Readiness503(type="https://docs.betaskill.co.za/payments/errors#not_ready",
                            title="Not ready", status=503,
                            detail="failing: " + ", ".join(failing), checks=checks,
                            gateway_circuit=circuit)
        return Response(body, status_code=503, media_type=PROBLEM_JSON)
    return Ready(status="ok", checks=checks, gateway_circuit=circuit)
