"""Platform webhook deliveries on the operator's payment page, and their resend (issue 16:
"Platform webhook deliveries cannot be seen or resent"). A resend is admin-only,
same-origin only, sends the event once now with the same webhook-id, and is written to
the payment's audit trail with what the platform answered."""

from __future__ import annotations

import asyncio
import base64
import re
from collections.abc import Iterator
from html import unescape

import pytest
from litestar.testing import TestClient

from adapters.fake.gateway import FakeGateway
from adapters.system.clock import SystemClock
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.e2e.conftest import Api
from tests.e2e.test_operator_console_http import ORIGIN, _flash, _paid, _sign_in

pytestmark = pytest.mark.e2e
HOOK = "https://platform.example.test/hooks/payments"


class PlatformStub:
    """Answers with `status`; remembers what was sent (url, webhook-id)."""

    def __init__(self) -> None:
        self.status, self.sent = 500, []

    async def send(self, url: str, event_id: str, body: bytes) -> int:
        self.sent.append((url, event_id))
        return self.status


@pytest.fixture
def hooked() -> Iterator[tuple[Api, PlatformStub, object]]:
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    settings = Settings.from_env({
        "SKILLPAY_ENV": "test", "SKILLPAY_DATABASE_URL": "memory://",
        "SKILLPAY_PUBLIC_URL": "https://pay.example.test",
        "SKILLPAY_PLATFORM_WEBHOOK_URLS": HOOK, "SKILLPAY_PLATFORM_WEBHOOK_SECRET": secret})
    container = build_container(settings)
    gateway, platform = FakeGateway(SystemClock()), PlatformStub()
    container.gateway.override(gateway)
    container.webhook_sender.override(platform)
    app = create_app(container, run_background=False)  # the test runs the worker's step
    with TestClient(app) as client:
        yield Api(client, gateway, container.tokens()), platform, container


def _deliveries(page: str) -> dict[str, str]:
    return dict(re.findall(r'<li class="delivery" data-delivery-id="([^"]+)" '
                           r'data-status="([^"]+)"', page))


def _delivery_of(page: str, event: str) -> str:
    items = re.findall(r'<li class="delivery" data-delivery-id="([^"]+)".*?</li>', page)
    bodies = re.split(r'<li class="delivery" ', page)[1:]
    return next(i for i, body in zip(items, bodies, strict=True) if f"<dd>{event} " in body)


def _resend(api: Api, payment_id: str, delivery_id: str, **headers: str):
    return api.client.post("/admin/payment/resend-delivery", data={
        "payment_id": payment_id, "delivery_id": delivery_id},
        headers={"Origin": ORIGIN, **headers}, follow_redirects=False)


def test_an_admin_sees_a_payments_deliveries_and_resends_one(hooked):
    api, platform, container = hooked
    paid, other = _paid(api, "stu-w"), _paid(api, "stu-x")
    asyncio.run(container.deliver_platform_webhooks()())  # the platform is down: 500s
    _sign_in(api)
    page = api.client.get("/admin/payment", params={"id": paid["id"]}).text
    shown = _deliveries(page)
    assert shown and set(shown.values()) == {"pending"}
    assert "PaymentSucceeded" in page and HOOK in page and "HTTP 500" in page
    others = _deliveries(api.client.get("/admin/payment", params={"id": other["id"]}).text)
    assert others and not set(others) & set(shown)  # each page lists its own payment's

    platform.status, platform.sent = 204, []
    chosen = _delivery_of(page, "PaymentSucceeded")
    done = _resend(api, paid["id"], chosen)
    assert done.status_code == 303
    after = api.client.get(done.headers["location"]).text
    assert _flash(after).startswith(f"ok: Delivery {chosen} resent to {HOOK}")
    assert "HTTP 204" in _flash(after)
    assert _deliveries(after)[chosen] == "delivered"
    assert [url for url, _ in platform.sent] == [HOOK]
    trail = api.client.get(f"/api/v1/payments/{paid['id']}/audit",
                           headers=api.auth("ops", "admin")).json()["items"]
    resent = [e for e in trail if e["action"] == "webhook_resent"]
    assert len(resent) == 1 and resent[0]["actor"] == "admin:ops"
    assert (resent[0]["from_status"], resent[0]["to_status"]) == ("pending", "delivered")
    assert HOOK in resent[0]["reason"] and "HTTP 204" in resent[0]["reason"]

    platform.sent = []  # another payment's delivery cannot be resent through this page
    foreign = _resend(api, paid["id"], next(iter(others)))
    assert "not resent" in _flash(api.client.get(foreign.headers["location"]).text)
    assert platform.sent == []


def test_a_failed_resend_says_so_and_keeps_the_retry_schedule(hooked):
    api, platform, container = hooked
    paid = _paid(api, "stu-f")
    asyncio.run(container.deliver_platform_webhooks()())
    _sign_in(api)
    chosen = next(iter(_deliveries(api.client.get("/admin/payment",
                                                  params={"id": paid["id"]}).text)))
    platform.status = 503
    after = api.client.get(_resend(api, paid["id"], chosen).headers["location"]).text
    assert _flash(after).startswith("error:") and "HTTP 503" in unescape(after)
    assert _deliveries(after)[chosen] == "pending"  # the worker keeps retrying it


def test_resend_is_admin_only_and_same_origin(hooked):
    api, platform, container = hooked
    paid = _paid(api, "stu-s")
    asyncio.run(container.deliver_platform_webhooks()())
    platform.sent = []
    delivery = f"{paid['id']}-0"  # any id: the refusal comes before any lookup
    assert _resend(api, paid["id"], delivery, **api.auth("stu-s")).status_code == 403
    assert _resend(api, paid["id"], delivery).status_code == 401  # no cookie
    _sign_in(api)
    assert _resend(api, paid["id"], delivery,
                   Origin="https://evil.example").status_code == 403
    assert platform.sent == []
