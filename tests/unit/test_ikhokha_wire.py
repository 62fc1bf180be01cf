"""What the adapter really puts on the wire for a create-paylink call, captured by a
tiny HTTP server: docs/ikhokha.md's member names and types, the three headers, compact JSON,
and an IK-SIGN that an independent HMAC over (path + the exact bytes received) accepts."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from aiohttp import web
from multidict import CIMultiDict

from adapters.ikhokha import IkhokhaGateway
from application.ports import PaylinkRequest
from domain.money import Money

pytestmark = pytest.mark.unit
APP, SECRET = "test-app-id", "test-app-secret"
URLS = {"callbackUrl": "https://school.example/webhooks/ikhokha",
        "successPageUrl": "https://school.example/pay/ok",
        "failurePageUrl": "https://school.example/pay/failed",
        "cancelUrl": "https://school.example/pay/cancelled"}


@dataclass
class Captured:
    requests: list[tuple[str, str, CIMultiDict[str], bytes]] = field(default_factory=list)


def independent_ik_sign(message: str) -> str:
    """docs/ikhokha.md, written again here: backslash before \\ " ' ; NUL as \\0."""
    escaped = "".join({"\\": "\\\\", '"': '\\"', "'": "\\'", "\0": "\\0"}.get(c, c)
                      for c in message)
    return hmac.new(SECRET.encode(), escaped.encode("utf-8"), hashlib.sha256).hexdigest()


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, Captured]]:
    captured = Captured()

    async def create(request: web.Request) -> web.Response:
        captured.requests.append((request.method, request.rel_url.raw_path,
                                  request.headers.copy(), await request.read()))
        return web.json_response({"responseCode": "00", "paylinkID": "2zh1zj6y8xpb0g3",
                                  "paylinkUrl": "https://securepay.ikhokha.com/x",
                                  "externalTransactionID": "pay_wire_1"})

    async def listing(request: web.Request) -> web.Response:
        captured.requests.append((request.method, request.rel_url.raw_path_qs,
                                  request.headers.copy(), await request.read()))
        if "id" in request.match_info:
            return web.json_response({"paylinkID": request.match_info["id"],
                                      "status": "PENDING"})
        return web.json_response([])

    app = web.Application()
    app.router.add_post("/public-api/v1/api/payment", create)
    app.router.add_get("/public-api/v1/api/payments/history", listing)
    app.router.add_get("/public-api/v1/api/getStatus/{id}", listing)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/public-api/v1/api", captured
    finally:
        await runner.cleanup()


async def send_create(base_url: str, description: str) -> None:
    gateway = IkhokhaGateway(base_url=base_url, app_id=APP, app_secret=SECRET,
                             retry_attempts=0)
    try:
        await gateway.create_paylink(PaylinkRequest(
            payment_id="pay_wire_1", enrollment_id="enr_1", amount=Money(49900, "ZAR"),
            description=description, callback_url=URLS["callbackUrl"],
            success_url=URLS["successPageUrl"], failure_url=URLS["failurePageUrl"],
            cancel_url=URLS["cancelUrl"]))
    finally:
        await gateway.aclose()


async def test_create_paylink_bytes_and_headers(server: tuple[str, Captured]) -> None:
    base_url, captured = server
    description = 'Python for data — Joe\'s "best" C:\\course'
    await send_create(base_url, description)
    [(method, path, headers, raw)] = captured.requests
    assert (method, path) == ("POST", "/public-api/v1/api/payment")

    body = json.loads(raw)
    assert set(body) <= {"entityID", "externalEntityID", "amount", "currency", "requesterUrl",
                         "mode", "externalTransactionID", "description", "urls",
                         "paymentReference"}
    assert set(body) >= {"entityID", "amount", "currency", "requesterUrl", "mode",
                         "externalTransactionID", "urls"}
    assert body["entityID"] == APP and body["externalEntityID"] == "enr_1"
    assert body["amount"] == 49900 and type(body["amount"]) is int  # cents, not rand
    assert body["currency"] == "ZAR" and body["mode"] in ("live", "test")
    assert body["requesterUrl"] == "https://school.example"
    assert body["externalTransactionID"] == "pay_wire_1"
    assert body["description"] == description
    assert body["urls"] == URLS  # exactly these four members

    # Compact JSON, UTF-8 kept, "/" unescaped: byte-identical to our own compact dump.
    assert raw == json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert b"\\/" not in raw and "—".encode() in raw

    assert headers.getall("IK-APPID") == [APP]
    assert headers.getall("Content-Type") == ["application/json"]  # aiohttp added none
    [ik_sign] = headers.getall("IK-SIGN")
    assert ik_sign == independent_ik_sign(path + raw.decode("utf-8"))


async def test_get_calls_sign_the_path_without_query_and_an_empty_body(
        server: tuple[str, Captured]) -> None:
    base_url, captured = server
    gateway = IkhokhaGateway(base_url=base_url, app_id=APP, app_secret=SECRET,
                             retry_attempts=0)
    try:
        _ = [r async for r in gateway.history(date(2026, 11, 1), date(2026, 11, 7))]
        assert await gateway.get_status("2zh1zj6y8xpb0g3") is not None
    finally:
        await gateway.aclose()
    (_, history_path, history_headers, history_raw), (_, status_path, status_headers,
                                                      status_raw) = captured.requests
    assert status_path == "/public-api/v1/api/getStatus/2zh1zj6y8xpb0g3"
    assert history_path == ("/public-api/v1/api/payments/history"
                            "?startDate=2026-11-01&endDate=2026-11-07")
    assert history_raw == status_raw == b""
    assert history_headers.getall("IK-SIGN") == [
        independent_ik_sign("/public-api/v1/api/payments/history")]
    assert status_headers.getall("IK-SIGN") == [
        independent_ik_sign("/public-api/v1/api/getStatus/2zh1zj6y8xpb0g3")]
