"""The whole product on loopback: the API under uvicorn (real iKhokha adapter) talking
HTTP to the iK Pay simulator, both in the test's event loop on ephemeral ports."""

from __future__ import annotations

import asyncio
import itertools
import socket
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import uvicorn

from adapters.simulator import SimulatorConfig, running_simulator
from adapters.simulator.client import SimulatorControl
from adapters.simulator.runner import RunningSimulator
from entrypoints.container import Container, build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.support.waiting import wait_until

APP_ID, APP_SECRET = "stack-app-id", "stack-app-secret-value"

COURSES = itertools.count(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveStack:
    base_url: str
    container: Container
    control: SimulatorControl
    http: aiohttp.ClientSession
    tokens: Any
    simulator: RunningSimulator | None = None

    def auth(self, sub: str, role: str = "student") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.mint(sub, role)}"}

    async def settled(self, timeout_s: float = 10.0) -> None:
        """Wait until every acknowledged callback has been processed (processing runs
        after the 200, off the request path)."""
        await wait_until(self.container.callback_dispatcher().idle, timeout_s)

    async def call(self, method: str, path: str, **kw: Any) -> tuple[int, Any]:
        """One request, made once earlier callbacks are processed: a test reads what
        the student would see after the callback took effect."""
        await self.settled()
        async with self.http.request(method, self.base_url + path, **kw) as r:
            return r.status, await r.json(content_type=None)

    async def enrollment(self, student: str = "stu-1", amount: int = 49900,
                         course_id: str | None = None) -> dict[str, Any]:
        """A new enrollment; each in its own course unless said (one purchase per course)."""
        course_id = course_id or f"course-{next(COURSES)}"
        status, body = await self.call(
            "POST", "/api/v1/enrollments", headers=self.auth("platform", "service"),
            json={"student_id": student, "course_id": course_id,
                  "price": {"amount": amount, "currency": "ZAR"}})
        assert status == 201, body
        return body  # type: ignore[no-any-return]

    async def checkout(self, enrollment_id: str, student: str = "stu-1",
                       key: str = "live-checkout-000001") -> tuple[int, Any]:
        return await self.call("POST", "/api/v1/payments", json={"enrollment_id": enrollment_id},
                               headers={**self.auth(student), "Idempotency-Key": key})


Configure = Callable[[Container], None]


@asynccontextmanager
async def live_stack(configure: Configure | None = None, **env: str) -> AsyncIterator[LiveStack]:
    """Defaults to a fresh SQLite file; pass SKILLPAY_DATABASE_URL to choose another.
    `configure(container)` may override providers (a clock, a gateway) before the app starts."""
    with tempfile.TemporaryDirectory(prefix="skillpay-") as folder:
        env.setdefault("SKILLPAY_DATABASE_URL", f"sqlite+aiosqlite:///{folder}/stack.db")
        async with _stack(env, configure) as stack:
            yield stack


def stack_settings(sim: RunningSimulator, port: int, env: dict[str, str]) -> Settings:
    return Settings.from_env({
        "SKILLPAY_ENV": "test", "SKILLPAY_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SKILLPAY_GATEWAY": "ikhokha", "IKHOKHA_API_URL": sim.api_url,
        "IKHOKHA_APP_ID": APP_ID, "IKHOKHA_APP_SECRET": APP_SECRET,
        "IKHOKHA_RETRY_DELAY_MS": "0", **env})


@asynccontextmanager
async def serving(container: Container, port: int) -> AsyncIterator[Any]:
    """The API of `container` under uvicorn on 127.0.0.1:`port`; yields the Litestar app."""
    app = create_app(container)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():  # startup failed (uvicorn logged why): never wait for ever
            raise RuntimeError(f"the API did not start: {task.exception()!r}")
        await asyncio.sleep(0.01)
    try:
        yield app
    finally:
        server.should_exit = True
        await task


def client_session(**options: Any) -> aiohttp.ClientSession:
    """Idle connections are dropped before uvicorn's 5 s keep-alive ends, so a request
    never goes out on a connection the server is closing (ServerDisconnectedError)."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(keepalive_timeout=2),
                                 **options)


@asynccontextmanager
async def _stack(env: dict[str, str], configure: Configure | None) -> AsyncIterator[LiveStack]:
    async with running_simulator(SimulatorConfig(APP_ID, APP_SECRET)) as sim:
        port = free_port()
        container = build_container(stack_settings(sim, port, env))
        if configure is not None:
            configure(container)
        async with serving(container, port), client_session() as http:
            yield LiveStack(f"http://127.0.0.1:{port}", container,
                            SimulatorControl(sim.base_url, http), http, container.tokens(), sim)
