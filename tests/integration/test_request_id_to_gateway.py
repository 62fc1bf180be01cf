"""The request id of the HTTP request travels on the gateway call (X-Request-ID), so one
id links our log lines to iKhokha's side of the same checkout."""

import pytest
from aiohttp import web

from adapters.ikhokha.transport import Transport
from adapters.system.request_id import current_request_id

pytestmark = pytest.mark.integration


async def test_the_transport_sends_the_current_request_id(unused_tcp_port):
    seen: list[str | None] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(request.headers.get("X-Request-ID"))
        return web.json_response({"responseCode": "00"})

    app = web.Application()
    app.router.add_get("/api/status", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    transport = Transport(f"http://127.0.0.1:{unused_tcp_port}/api", "app-id", "app-secret-xyz")
    try:
        token = current_request_id.set("req-abcdef123456")
        await transport.send("GET", ("status",), timeout_s=5)
        current_request_id.reset(token)
        await transport.send("GET", ("status",), timeout_s=5)
    finally:
        await transport.aclose()
        await runner.cleanup()
    assert seen == ["req-abcdef123456", None]
