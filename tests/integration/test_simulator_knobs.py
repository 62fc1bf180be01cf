"""The simulator's iK Pay-shaped answers and its answer/callback knobs, over HTTP, seen
through the real adapter: no currency by default, lag after settling, a missing or
other amount, pretty and escaped callbacks, and refusal of bad knob values and of
create bodies that do not follow docs/ikhokha.md's field list."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from adapters.ikhokha import IkhokhaGateway
from adapters.ikhokha.signing import signed_headers
from adapters.simulator import RunningSimulator, SimulatorConfig, running_simulator
from adapters.simulator.client import SimulatorControl
from application.ports import PaylinkRequest
from domain.classification import ClassifiedFailure
from domain.gateway_report import GatewayStatus
from domain.money import Money

pytestmark = pytest.mark.integration
Make = Callable[..., IkhokhaGateway]
APP, SECRET = "test-app-id", "test-app-secret"
API = "/public-api/v1/api"


def req(callback_url: str, payment_id: str = "pay_knob_1") -> PaylinkRequest:
    return PaylinkRequest(payment_id, "enr_1", Money(49900, "ZAR"), "Course", callback_url,
                          "http://app/ok", "http://app/failed", "http://app/cancelled")


async def signed_get(http: aiohttp.ClientSession, sim: RunningSimulator, path: str) -> Any:
    async with http.get(sim.base_url + path, headers=signed_headers(APP, SECRET, path)) as r:
        assert r.status == 200
        return await r.json()


async def test_status_and_history_have_ik_pays_shape(make_gateway: Make, sim: RunningSimulator,
                                                     http: aiohttp.ClientSession) -> None:
    link = await make_gateway().create_paylink(req("http://127.0.0.1:9/cb"))
    status = await signed_get(http, sim, f"{API}/getStatus/{link.paylink_id}")
    assert set(status) == {"paylinkID", "status", "amount", "externalTransactionID",
                           "createdAt"}
    today = datetime.now(UTC).date().isoformat()
    listed = await signed_get(http, sim, f"{API}/payments/history?startDate={today}"
                                         f"&endDate={today}")
    assert listed == [status]


async def test_amount_knobs_as_the_adapter_sees_them(make_gateway: Make,
                                                     control: SimulatorControl) -> None:
    gateway = make_gateway()
    link = await gateway.create_paylink(req("http://127.0.0.1:9/cb"))
    await control.settle(link.paylink_id, "pay")
    for faults, amount in (({}, Money(49900, "ZAR")),
                           ({"status_amount_delta": -49800}, Money(100, "ZAR")),
                           ({"status_currency": True, "status_amount_delta": 0},
                            Money(49900, "ZAR")),
                           ({"status_amount_missing": True}, None)):
        await control.set_faults(**faults)
        report = await gateway.get_status(link.paylink_id)
        assert report is not None and report.status is GatewayStatus.SUCCESS
        assert report.amount == amount, faults
    await control.set_faults(status_amount_missing=False, status_amount_delta=-50000)
    with pytest.raises(ClassifiedFailure) as err:  # a negative amount is no amount
        await gateway.get_status(link.paylink_id)
    assert err.value.code == "gateway_malformed_response"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_status_lags_behind_the_callback(http: aiohttp.ClientSession) -> None:
    clock = Clock()
    config = SimulatorConfig(APP, SECRET, clock=clock)
    async with running_simulator(config) as sim:
        control = SimulatorControl(sim.base_url, http)
        await control.set_faults(status_lag_ms=30_000)
        gateway = IkhokhaGateway(base_url=sim.api_url, app_id=APP, app_secret=SECRET,
                                 retry_attempts=0)
        try:
            link = await gateway.create_paylink(req("http://127.0.0.1:9/cb"))
            await control.settle(link.paylink_id, "pay")
            assert (await control.state())["callbacks"][0]["paylinkID"] == link.paylink_id
            day, settled_at = clock.now.date(), sim.state.paylinks[link.paylink_id].settled_at
            assert settled_at == clock.now
            for seconds, expected in ((0, GatewayStatus.PENDING), (29.999,
                                      GatewayStatus.PENDING), (30, GatewayStatus.SUCCESS)):
                clock.now = settled_at + timedelta(seconds=seconds)
                report = await gateway.get_status(link.paylink_id)
                listed = [r async for r in gateway.history(day, day)]
                assert report is not None and report.status is expected
                assert [r.status for r in listed] == [expected]
        finally:
            await gateway.aclose()


@pytest.mark.parametrize("fmt", ["pretty", "escaped"])
async def test_pretty_and_escaped_callbacks_verify(make_gateway: Make, receiver: Any,
                                                   control: SimulatorControl, fmt: str) -> None:
    gateway = make_gateway()
    await control.set_faults(callback_format=fmt, callback_text=True)
    link = await gateway.create_paylink(req(receiver.url))
    await control.settle(link.paylink_id, "pay")
    path, headers, body = await receiver.next()
    text = body.decode()
    assert ("\n  " in text) if fmt == "pretty" else ("\\u2013" in text and text.isascii())
    assert json.loads(body)["text"] == "Payment successful \u2013 R499.00"
    notice = gateway.verify_callback(path, headers, body)
    assert notice.paylink_id == link.paylink_id and notice.status is GatewayStatus.SUCCESS


@pytest.mark.parametrize("bad", [{"callback_format": "yaml"}, {"status_lag_ms": -5},
                                 {"status_amount_delta": "1"}, {"status_currency": "no"}])
async def test_bad_knob_values_are_refused(sim: RunningSimulator, http: aiohttp.ClientSession,
                                           bad: dict[str, Any]) -> None:
    async with http.post(sim.base_url + "/_sim/faults", json=bad) as resp:
        assert resp.status == 400
    assert sim.state.faults.callback_format == "compact" and sim.state.faults.status_lag_ms == 0


GOOD_BODY = {"entityID": APP, "externalEntityID": "enr_1", "amount": 100, "currency": "ZAR",
             "requesterUrl": "http://app", "mode": "test", "externalTransactionID": "pay_b",
             "description": "d", "paymentReference": "r",
             "urls": {"callbackUrl": "http://app/cb", "successPageUrl": "http://app/ok",
                      "failurePageUrl": "http://app/f", "cancelUrl": "http://app/c"}}


@pytest.mark.parametrize("change,status", [
    ({}, 200),
    ({"paymentRefrence": "r"}, 400),            # a misspelt member is not silently dropped
    ({"externalTransactionId": "pay_b"}, 400),  # wrong capitalisation
    ({"amount": 100.0}, 400), ({"amount": "100"}, 400), ({"amount": 0}, 400),
    ({"currency": "USD"}, 400), ({"mode": "sandbox"}, 400), ({"entityID": "other"}, 400),
    ({"urls": {"callbackUrl": "http://app/cb"}}, 400),
])
async def test_create_body_follows_the_field_list(sim: RunningSimulator,
                                                  http: aiohttp.ClientSession,
                                                  change: dict[str, Any], status: int) -> None:
    body = json.dumps({**GOOD_BODY, **change}).encode()
    path = f"{API}/payment"
    async with http.post(sim.base_url + path, data=body,
                         headers=signed_headers(APP, SECRET, path, body)) as resp:
        assert resp.status == status, await resp.text()
