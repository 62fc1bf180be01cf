"""Platform webhooks end to end: events leave the outbox, are signed per Standard
Webhooks, and a receiver verifying with an independent implementation accepts them."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

import pytest
from aiohttp import web

from adapters.sql.webhook_deliveries import SqlDeliveryStore
from application.platform_webhooks import Delivery
from tests.support.builders import T0
from tests.support.live_stack import free_port, live_stack

pytestmark = pytest.mark.integration


def verify(secret: str, headers, body: bytes) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [s.split(",", 1)[1] for s in headers["webhook-signature"].split()]
    return any(hmac.compare_digest(expected, o) for o in offered)


async def test_the_platform_receives_signed_events_from_the_outbox():
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    received: list[tuple[bool, dict]] = []

    async def receiver(request: web.Request) -> web.Response:
        body = await request.read()
        received.append((verify(secret, request.headers, body), await request.json()))
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hooks", receiver)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with live_stack(SKILLPAY_PLATFORM_WEBHOOK_URLS=f"http://127.0.0.1:{port}/hooks",
                              SKILLPAY_PLATFORM_WEBHOOK_SECRET=secret,
                              SKILLPAY_WORKER_INTERVAL_MS="100") as stack:
            created = await stack.enrollment(student="stu-3")
            for _ in range(100):
                if received:
                    break
                await asyncio.sleep(0.05)
    finally:
        await runner.cleanup()
    assert received, "no webhook arrived"
    valid, payload = received[0]
    assert valid
    assert payload["type"] == "EnrollmentCreated"
    assert payload["data"]["entity_id"] == created["id"]


@pytest.mark.parametrize("sql_engine", ["sqlite", "postgres"], indirect=True)
async def test_sql_delivery_store_dedupes_and_schedules(sql_engine):
    store = SqlDeliveryStore(sql_engine)
    delivery = Delivery(id="evt_1-0", event_id="evt_1", url="https://a.test/h", body=b"{}",
                        created_at=T0, next_attempt_at=T0)
    assert await store.enqueue([delivery]) == 1
    assert await store.enqueue([delivery]) == 0
    lease_end = T0 + timedelta(minutes=1)
    assert [d.id for d in await store.lease(T0, lease_end, 10)] == ["evt_1-0"]
    assert await store.lease(T0, lease_end, 10) == []  # held by the first lease
    await store.record_attempt("evt_1-0", delivered=False, status_code=500, error=None,
                               next_attempt_at=T0.replace(hour=T0.hour + 1), now=T0)
    assert await store.lease(T0, lease_end, 10) == []
    (stored,) = await store.for_event("evt_1")
    assert (stored.attempts, stored.status, stored.last_status_code) == (1, "pending", 500)
    await store.record_attempt("evt_1-0", delivered=True, status_code=200, error=None,
                               next_attempt_at=None, now=T0)
    (stored,) = await store.for_event("evt_1")
    assert stored.status == "delivered" and stored.body == b"{}"
