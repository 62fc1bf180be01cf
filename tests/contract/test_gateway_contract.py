"""PaymentGateway contract: the same tests against every adapter of the port.

`fake`: adapters/fake/gateway.py in-process. `ikhokha`: the real adapter talking HTTP
to the simulator on an ephemeral port (settled through the simulator's controls, the
callback captured as the simulator really sent it).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest

from adapters.fake.gateway import FakeGateway
from adapters.ikhokha import IkhokhaGateway
from adapters.simulator import SimulatorConfig, running_simulator
from adapters.simulator.client import SimulatorControl
from application.ports import PaylinkRequest, PaymentGateway, RefundResult
from domain.classification import ClassifiedFailure
from domain.gateway_report import GatewayStatus
from domain.money import Money

pytestmark = pytest.mark.contract
NOW = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
CALLBACK = "http://127.0.0.1:9/webhooks/ikhokha"  # nothing listens: delivery fails fast


class FixedClock:
    def now(self) -> datetime:
        return NOW


Callback = tuple[str, dict[str, str], bytes]


@dataclass
class Harness:
    gateway: PaymentGateway
    pay: Callable[[str], Awaitable[None]]
    last_callback: Callable[[str], Awaitable[Callback]]


def request(payment_id: str = "pay_contract_1") -> PaylinkRequest:
    return PaylinkRequest(payment_id=payment_id, enrollment_id="enr_1",
                          amount=Money(49900, "ZAR"), description="Python for data — Joe's",
                          callback_url=CALLBACK, success_url="http://app/ok",
                          failure_url="http://app/failed", cancel_url="http://app/cancelled")


async def _fake() -> AsyncIterator[Harness]:
    fake = FakeGateway(FixedClock())

    async def pay(paylink_id: str) -> None:
        fake.settle(paylink_id, GatewayStatus.SUCCESS)

    async def last_callback(paylink_id: str) -> Callback:
        body, headers = fake.signed_callback(paylink_id)
        return "/webhooks/ikhokha", headers, body

    yield Harness(fake, pay, last_callback)


async def _ikhokha() -> AsyncIterator[Harness]:
    config = SimulatorConfig("test-app-id", "test-app-secret", clock=FixedClock().now)
    async with running_simulator(config) as sim, aiohttp.ClientSession() as session:
        control = SimulatorControl(sim.base_url, session)
        gateway = IkhokhaGateway(base_url=sim.api_url, app_id="test-app-id",
                                 app_secret="test-app-secret", clock=FixedClock(),
                                 retry_delay_ms=0, timeout_ms=2000, deadline_ms=5000)

        async def pay(paylink_id: str) -> None:
            await control.settle(paylink_id, "pay")

        async def last_callback(paylink_id: str) -> Callback:
            sent = [c for c in (await control.state())["callbacks"]
                    if c.get("paylinkID") == paylink_id and "body" in c][-1]
            return urlsplit(sent["url"]).path, sent["headers"], sent["body"].encode()

        try:
            yield Harness(gateway, pay, last_callback)
        finally:
            await gateway.aclose()


@pytest.fixture(params=["fake", "ikhokha"])
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    factory = _fake if request.param == "fake" else _ikhokha
    async for h in factory():
        yield h


async def test_create_returns_a_paylink(harness: Harness) -> None:
    link = await harness.gateway.create_paylink(request())
    assert link.paylink_id and link.checkout_url.startswith("http")


async def test_same_payment_id_gives_the_same_paylink(harness: Harness) -> None:
    first = await harness.gateway.create_paylink(request())
    again = await harness.gateway.create_paylink(request())
    other = await harness.gateway.create_paylink(request("pay_contract_2"))
    assert again.paylink_id == first.paylink_id != other.paylink_id


async def test_status_of_unknown_paylink_is_none(harness: Harness) -> None:
    assert await harness.gateway.get_status("unknown00000000") is None


async def test_status_after_settle(harness: Harness) -> None:
    link = await harness.gateway.create_paylink(request())
    pending = await harness.gateway.get_status(link.paylink_id)
    assert pending is not None and pending.status is GatewayStatus.PENDING
    await harness.pay(link.paylink_id)
    report = await harness.gateway.get_status(link.paylink_id)
    assert report is not None and report.status is GatewayStatus.SUCCESS
    assert report.amount == Money(49900, "ZAR")
    assert report.external_transaction_id == "pay_contract_1"


async def test_history_lists_the_paylink(harness: Harness) -> None:
    link = await harness.gateway.create_paylink(request())
    day = NOW.date()
    seen = [r async for r in harness.gateway.history(day - timedelta(days=10), day)]
    assert [r.paylink_id for r in seen] == [link.paylink_id]
    later = [r async for r in harness.gateway.history(day + timedelta(days=1),
                                                      day + timedelta(days=3))]
    assert later == []


async def test_refund_returns_a_refund_result(harness: Harness) -> None:
    link = await harness.gateway.create_paylink(request())
    await harness.pay(link.paylink_id)
    result = await harness.gateway.refund(paylink_id=link.paylink_id, payment_id="pay_contract_1",
                                          amount=Money(100, "ZAR"), reason="test",
                                          refund_id="ref_1")
    assert isinstance(result, RefundResult)


async def test_verify_callback_accepts_genuine_and_rejects_forged(harness: Harness) -> None:
    link = await harness.gateway.create_paylink(request())
    await harness.pay(link.paylink_id)
    path, headers, body = await harness.last_callback(link.paylink_id)
    notice = harness.gateway.verify_callback(path, headers, body)
    assert notice.paylink_id == link.paylink_id and notice.status is GatewayStatus.SUCCESS
    assert notice.dedupe_key
    forged: dict[str, Any] = {**json.loads(body), "externalTransactionID": "pay_other"}
    with pytest.raises(ClassifiedFailure) as err:
        harness.gateway.verify_callback(path, headers,
                                        json.dumps(forged, separators=(",", ":")).encode())
    assert err.value.code == "invalid_signature"
