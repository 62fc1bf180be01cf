"""Fixtures: a simulator on an ephemeral port, its control client, a callback
receiver, and a factory of real IkhokhaGateways whose sleeps are only recorded."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.ikhokha import IkhokhaGateway
from adapters.ikhokha.breaker import BreakerRegistry, CircuitBreaker
from adapters.simulator import RunningSimulator, SimulatorConfig, running_simulator
from adapters.simulator.client import SimulatorControl

APP_ID, APP_SECRET = "test-app-id", "test-app-secret"


class RecordingSleep:
    """Injected instead of asyncio.sleep: remembers the delay, never waits."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
async def sim() -> AsyncIterator[RunningSimulator]:
    async with running_simulator(SimulatorConfig(APP_ID, APP_SECRET, refunds_enabled=False)) as s:
        yield s


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def control(sim: RunningSimulator, http: aiohttp.ClientSession) -> SimulatorControl:
    return SimulatorControl(sim.base_url, http)


@pytest.fixture
def sleeps() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
async def make_gateway(sim: RunningSimulator, sleeps: RecordingSleep
                       ) -> AsyncIterator[Callable[..., IkhokhaGateway]]:
    made: list[IkhokhaGateway] = []

    def factory(**overrides: Any) -> IkhokhaGateway:
        params: dict[str, Any] = {
            "base_url": sim.api_url, "app_id": APP_ID, "app_secret": APP_SECRET,
            "retry_attempts": 3, "retry_delay_ms": 0, "timeout_ms": 2000, "deadline_ms": 5000,
            "sleep": sleeps, "breakers": BreakerRegistry(lambda: CircuitBreaker(threshold=1000))}
        params.update(overrides)
        gateway = IkhokhaGateway(**params)
        made.append(gateway)
        return gateway

    yield factory
    for gateway in made:
        await gateway.aclose()


class CallbackReceiver:
    def __init__(self) -> None:
        self.received: asyncio.Queue[tuple[str, dict[str, str], bytes]] = asyncio.Queue()
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        await self.received.put((request.path, dict(request.headers), await request.read()))
        return web.Response(text="ok")

    async def next(self, timeout: float = 5.0) -> tuple[str, dict[str, str], bytes]:
        return await asyncio.wait_for(self.received.get(), timeout)


@pytest.fixture
async def receiver() -> AsyncIterator[CallbackReceiver]:
    rec = CallbackReceiver()
    app = web.Application()
    app.router.add_post("/webhooks/ikhokha", rec.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    rec.url = f"http://127.0.0.1:{runner.addresses[0][1]}/webhooks/ikhokha"
    yield rec
    await runner.cleanup()


from tests.support.databases import (  # noqa: E402, F401  (fixtures)
    backend,
    postgres_engine,
    postgres_url,
    scratch_postgres_url,
    sql_engine,
    sqlite_engine,
)
