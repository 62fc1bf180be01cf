"""create_simulator_app: the iK Pay look-alike as an aiohttp.web application."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web

from adapters.simulator import api, checkout, control
from adapters.simulator.api import STATE_KEY
from adapters.simulator.config import SimulatorConfig
from adapters.simulator.state import SimState


def create_simulator_app(config: SimulatorConfig) -> web.Application:
    """Fresh state per app; `app[STATE_KEY]` is the state tests may inspect directly."""
    app = web.Application(client_max_size=64 * 1024)
    app[STATE_KEY] = SimState(config)
    api.add_routes(app)
    checkout.add_routes(app)
    control.add_routes(app)
    app.cleanup_ctx.append(_release_on_shutdown)
    return app


async def _release_on_shutdown(app: web.Application) -> AsyncIterator[None]:
    """Wake hanging handlers and stop delayed callbacks so shutdown never waits."""
    yield
    state = app[STATE_KEY]
    state.released.set()
    for task in list(state.tasks):
        task.cancel()
    await asyncio.gather(*state.tasks, return_exceptions=True)
