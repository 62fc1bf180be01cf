"""The simulator itself: checkout page, signed callbacks and their faults, 401 on bad
signatures, validation, the refund extension, and the CLI's refusal without creds."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from adapters.ikhokha import IkhokhaGateway
from adapters.ikhokha.signing import signed_headers
from adapters.simulator import RunningSimulator, SimulatorConfig, main, running_simulator
from adapters.simulator.client import SimulatorControl
from application.ports import PaylinkRequest
from domain.gateway_report import GatewayStatus
from domain.money import Money

pytestmark = pytest.mark.integration
Make = Callable[..., IkhokhaGateway]


def req(callback_url: str, payment_id: str = "pay_sim_1") -> PaylinkRequest:
    return PaylinkRequest(payment_id, "enr_1", Money(12345, "ZAR"), "Course <b>x</b>",
                          callback_url, "http://app/ok", "http://app/failed",
                          "http://app/cancelled")


async def test_checkout_page_and_pay_click(make_gateway: Make, receiver: Any,
                                           http: aiohttp.ClientSession) -> None:
    gateway = make_gateway()
    link = await gateway.create_paylink(req(receiver.url))
    assert len(link.paylink_id) == 15 and link.paylink_id.isalnum()
    async with http.get(link.checkout_url) as page:
        html = await page.text()
    assert page.status == 200 and "123.45 ZAR" in html and "<b>" not in html
    for label in ("Pay", "Decline", "Insufficient funds", "Cancel"):
        assert f">{label}</button>" in html
    assert "<script" not in html and "src=" not in html
    async with http.post(f"{link.checkout_url}/pay", allow_redirects=False) as click:
        assert click.status == 303 and click.headers["Location"] == "http://app/ok"
    path, headers, body = await receiver.next()
    notice = gateway.verify_callback(path, headers, body)
    assert notice.paylink_id == link.paylink_id and notice.status is GatewayStatus.SUCCESS
    assert json.loads(body) == {"paylinkID": link.paylink_id, "status": "SUCCESS",
                                "externalTransactionID": "pay_sim_1", "responseCode": "00"}


@pytest.mark.parametrize("outcome,status,callback_status,redirect", [
    ("decline", GatewayStatus.FAILURE, "FAILURE", "http://app/failed"),
    ("insufficient_funds", GatewayStatus.FAILURE, "FAILURE", "http://app/failed"),
    ("cancel", GatewayStatus.CANCELLED, "FAILURE", "http://app/cancelled"),
])
async def test_settle_outcomes(make_gateway: Make, receiver: Any, control: SimulatorControl,
                               outcome: str, status: GatewayStatus, callback_status: str,
                               redirect: str) -> None:
    gateway = make_gateway()
    link = await gateway.create_paylink(req(receiver.url))
    settled = await control.settle(link.paylink_id, outcome)
    assert settled["redirect"] == redirect
    report = await gateway.get_status(link.paylink_id)
    assert report is not None and report.status is status
    _path, _headers, body = await receiver.next()
    assert json.loads(body)["status"] == callback_status
    with pytest.raises(RuntimeError, match="409"):
        await control.settle(link.paylink_id, "pay")


async def test_callback_drop_and_duplicate(make_gateway: Make, receiver: Any,
                                           control: SimulatorControl) -> None:
    gateway = make_gateway()
    await control.set_faults(callback_drop=True)
    dropped = await gateway.create_paylink(req(receiver.url, "pay_a"))
    await control.settle(dropped.paylink_id, "pay")
    assert receiver.received.empty()
    await control.set_faults(callback_drop=False, callback_duplicate=True)
    doubled = await gateway.create_paylink(req(receiver.url, "pay_b"))
    await control.settle(doubled.paylink_id, "pay")
    first, second = await receiver.next(), await receiver.next()
    assert first == second
    assert gateway.verify_callback(*first).dedupe_key == gateway.verify_callback(*second).dedupe_key


async def test_callbacks_reordered_and_delayed(make_gateway: Make, receiver: Any,
                                               control: SimulatorControl) -> None:
    gateway = make_gateway()
    await control.set_faults(callback_reorder=True)
    a = await gateway.create_paylink(req(receiver.url, "pay_a"))
    b = await gateway.create_paylink(req(receiver.url, "pay_b"))
    await control.settle(a.paylink_id, "pay")
    await control.settle(b.paylink_id, "decline")
    assert await control.flush_callbacks() == 2
    order = [json.loads((await receiver.next())[2])["paylinkID"] for _ in range(2)]
    assert order == [b.paylink_id, a.paylink_id]
    await control.set_faults(callback_reorder=False, callback_delay_ms=10)
    c = await gateway.create_paylink(req(receiver.url, "pay_c"))
    await control.settle(c.paylink_id, "pay")
    assert json.loads((await receiver.next())[2])["paylinkID"] == c.paylink_id


async def test_callback_text_is_unsigned_but_verifies(make_gateway: Make, receiver: Any,
                                                      control: SimulatorControl) -> None:
    gateway = make_gateway()
    await control.set_faults(callback_text=True)
    link = await gateway.create_paylink(req(receiver.url))
    await control.settle(link.paylink_id, "pay")
    path, headers, body = await receiver.next()
    assert "text" in json.loads(body)
    assert gateway.verify_callback(path, headers, body).status is GatewayStatus.SUCCESS


async def test_bad_signature_and_bad_body_are_refused(sim: RunningSimulator,
                                                      http: aiohttp.ClientSession) -> None:
    url = sim.api_url + "/payment"
    body = b'{"amount":100}'
    bad = signed_headers("test-app-id", "not-the-secret", "/public-api/v1/api/payment", body)
    async with http.post(url, data=body, headers=bad) as resp:
        assert resp.status == 401
    good = signed_headers("test-app-id", "test-app-secret", "/public-api/v1/api/payment", body)
    async with http.post(url, data=body, headers=good) as resp:
        assert resp.status == 400
    async with http.post(sim.base_url + "/_sim/faults", json={"bogus": 1}) as resp:
        assert resp.status == 400


async def test_refund_extension_off_by_default_and_on_when_enabled(
        sim: RunningSimulator, http: aiohttp.ClientSession) -> None:
    body = json.dumps({"paylinkID": "x", "amount": 1}).encode()
    headers = signed_headers("test-app-id", "test-app-secret", "/_sim/refunds", body)
    async with http.post(sim.base_url + "/_sim/refunds", data=body, headers=headers) as resp:
        assert resp.status == 404
    config = SimulatorConfig("test-app-id", "test-app-secret", refunds_enabled=True)
    async with running_simulator(config) as on:
        gateway = IkhokhaGateway(base_url=on.api_url, app_id="test-app-id",
                                 app_secret="test-app-secret", retry_attempts=0)
        link = await gateway.create_paylink(req("http://127.0.0.1:9/webhooks/ikhokha"))
        await SimulatorControl(on.base_url, http).settle(link.paylink_id, "pay")
        for amount, expected in ((12000, 200), (1000, 422)):
            body = json.dumps({"paylinkID": link.paylink_id, "amount": amount}).encode()
            headers = signed_headers("test-app-id", "test-app-secret", "/_sim/refunds", body)
            async with http.post(on.base_url + "/_sim/refunds", data=body,
                                 headers=headers) as resp:
                assert resp.status == expected
        await gateway.aclose()


async def test_hang_is_released_on_shutdown() -> None:
    config = SimulatorConfig("test-app-id", "test-app-secret")
    config.faults.hang = True
    async with running_simulator(config) as s:
        gateway = IkhokhaGateway(base_url=s.api_url, app_id="test-app-id",
                                 app_secret="test-app-secret", retry_attempts=0,
                                 timeout_ms=100, deadline_ms=200)
        task = asyncio.create_task(gateway.get_status("abc"))
        done = await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), 5)
        assert done[0].code == "gateway_timeout"
        await gateway.aclose()


def test_cli_refuses_to_start_without_credentials(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("IKHOKHA_APP_ID", raising=False)
    monkeypatch.delenv("IKHOKHA_APP_SECRET", raising=False)
    assert main(["--port", "0"]) == 2
    assert "required" in capsys.readouterr().err
