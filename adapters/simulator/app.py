"""create_simulator_app: the iK Pay look-alike as an aiohttp.web application."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, timedelta
from email.utils import format_datetime

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
    app.on_response_prepare.append(_stamp_date)
    return app


async def _stamp_date(request: web.Request, response: web.StreamResponse) -> None:
    """`Date` on the simulator's clock, shifted by the `clock_skew_s` knob."""
    state = request.app[STATE_KEY]
    now = state.config.clock() + timedelta(seconds=state.faults.clock_skew_s)
    now = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
    response.headers["Date"] = format_datetime(now, usegmt=True)


async def _release_on_shutdown(app: web.Application) -> AsyncIterator[None]:
    """Wake hanging handlers and stop delayed callbacks so shutdown never waits."""
    yield
    state = app[STATE_KEY]
    state.released.set()
    for task in list(state.tasks):
        task.cancel()
    await asyncio.gather(*state.tasks, return_exceptions=True)
