"""Start the simulator in-process (tests, sandbox) on 127.0.0.1 and a chosen or
ephemeral port, and stop it cleanly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from adapters.simulator.api import API_PREFIX, STATE_KEY
from adapters.simulator.app import create_simulator_app
from adapters.simulator.config import SimulatorConfig
from adapters.simulator.state import SimState


@dataclass(frozen=True)
class RunningSimulator:
    base_url: str  # http://127.0.0.1:PORT
    port: int
    app: web.Application

    @property
    def api_url(self) -> str:
        """What IKHOKHA_API_URL should be to point the real adapter here."""
        return self.base_url + API_PREFIX

    @property
    def state(self) -> SimState:
        return self.app[STATE_KEY]


@asynccontextmanager
async def running_simulator(config: SimulatorConfig, host: str = "127.0.0.1",
                            port: int = 0) -> AsyncIterator[RunningSimulator]:
    """`port=0` picks a free ephemeral port; the chosen one is in `.port`."""
    app = create_simulator_app(config)
    runner = web.AppRunner(app, handler_cancellation=True, access_log=None,
                           shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1]
    try:
        yield RunningSimulator(f"http://{host}:{bound}", bound, app)
    finally:
        await runner.cleanup()
