"""`skillpay preflight` against the iK Pay simulator (issue 18, item 1).

The whole product runs on loopback (tests/support/live_stack.py): the API answers the
callback URL's health route and receives the simulator's callbacks; preflight runs with
the same settings, changed one at a time to make each check fail.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from adapters.simulator.runner import RunningSimulator
from application.actor import Actor, Role
from application.use_cases.go_live_test import AUDIT_ACTION, GO_LIVE_TEST
from application.use_cases.payment_queries import ListPaymentsQuery
from entrypoints.preflight import preflight
from entrypoints.settings import Settings
from tests.support.live_stack import APP_SECRET, LiveStack, free_port, live_stack
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration
ADMIN = Actor("auditor", Role.ADMIN)


def options(test_payment: bool = False, amount: int = 100,
            timeout: float = 60.0) -> argparse.Namespace:
    return argparse.Namespace(test_payment=test_payment, amount=amount, timeout=timeout)


@pytest.fixture
async def stack() -> AsyncIterator[LiveStack]:
    async with live_stack() as running:
        yield running


async def run(settings: Settings, args: argparse.Namespace | None = None) -> tuple[int, list[str]]:
    lines: list[str] = []
    status = await preflight(settings, args or options(), lines.append, poll_s=0.05)
    return status, lines


def failures(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("FAIL")]


def settings_of(stack: LiveStack, **changes: Any) -> Settings:
    return dataclasses.replace(stack.container.settings(), **changes)


async def test_passes_against_a_correct_simulator(stack: LiveStack) -> None:
    status, lines = await run(settings_of(stack))
    assert status == 0, lines
    assert failures(lines) == []
    for name in ("gateway", "clock", "callback", "database"):
        assert any(re.match(rf"ok +{name}: ", line) for line in lines), (name, lines)
    # A loopback callback URL is allowed here, but said: iK Pay could not reach it.
    assert any(line.startswith("warn  callback") and "not public HTTPS" in line
               for line in lines), lines
    assert lines[-1] == "preflight passed"
    assert APP_SECRET not in "\n".join(lines)


@pytest.mark.parametrize(("changes", "wanted"), [
    ({"ikhokha_app_secret": "a-wrong-secret-value"}, "bad signature"),
    ({"ikhokha_app_id": "nobody-knows-this-id"}, "unknown app id"),
])
async def test_wrong_credentials_fail_with_one_clear_line(stack: LiveStack,
                                                          changes: dict[str, str],
                                                          wanted: str) -> None:
    status, lines = await run(settings_of(stack, **changes))
    assert status == 1
    [line] = failures(lines)
    assert line.startswith(f"FAIL  gateway: {wanted}"), line
    shown = "\n".join(lines)
    assert APP_SECRET not in shown and "a-wrong-secret-value" not in shown
    assert "nobody-knows-this-id" not in shown  # the app id is shown masked


@pytest.mark.parametrize(("skew_s", "side"), [(600, "behind"), (-600, "ahead of")])
async def test_a_skewed_clock_fails_with_one_clear_line(stack: LiveStack, skew_s: int,
                                                        side: str) -> None:
    await stack.control.set_faults(clock_skew_s=skew_s)
    status, lines = await run(settings_of(stack))
    assert status == 1
    [line] = failures(lines)
    assert line.startswith("FAIL  clock: clock skew:") and side in line, line
    assert any(line.startswith("ok    gateway") for line in lines)  # credentials are fine


async def test_an_unreachable_gateway_fails_with_one_clear_line(stack: LiveStack) -> None:
    url = f"http://127.0.0.1:{free_port()}/public-api/v1/api"
    status, lines = await run(settings_of(stack, ikhokha_api_url=url))
    assert status == 1
    [line] = failures(lines)
    assert line.startswith("FAIL  gateway: unreachable: 127.0.0.1:"), line


async def test_a_dead_callback_url_and_redis_fail(stack: LiveStack) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    status, lines = await run(settings_of(stack, public_url=dead,
                                          redis_url=f"redis://127.0.0.1:{free_port()}/0"))
    assert status == 1
    found = failures(lines)
    assert any(f.startswith("FAIL  callback: our health route does not answer") for f in found)
    assert any(f.startswith("FAIL  redis: unreachable") for f in found), lines


async def _paid_by_hand(stack: LiveStack, lines: list[str]) -> str:
    """What the operator does: open the printed URL and pay (here: the control API)."""
    await wait_until(lambda: any("pay it at" in line for line in lines), 20, "the paylink URL")
    url = next(line for line in lines if "pay it at" in line).rsplit(" ", 1)[1]
    await stack.control.settle(url.rstrip("/").rsplit("/", 1)[1], "pay")
    return next(line for line in lines if "pay it at" in line).split()[2]


async def test_a_test_payment_completes_and_is_marked(stack: LiveStack) -> None:
    lines: list[str] = []
    task = asyncio.create_task(preflight(settings_of(stack), options(test_payment=True),
                                         lines.append, poll_s=0.05))
    payment_id = await _paid_by_hand(stack, lines)
    assert await asyncio.wait_for(task, 30) == 0, lines
    assert any(line.startswith(f"ok    payment: {payment_id} paid and verified") for line in lines)
    assert "(1.00 ZAR, student go-live-test)" in "\n".join(lines)
    trail = await stack.container.get_audit_trail()(ADMIN, payment_id)
    [mark] = [entry for entry in trail if entry.action == AUDIT_ACTION]
    assert mark.to_status == "succeeded" and "verified" in (mark.reason or "")
    listed = await stack.container.list_payments()(ListPaymentsQuery(ADMIN, student_id=GO_LIVE_TEST))
    assert payment_id in [p.id for p in listed.items]


async def test_an_unpaid_test_payment_fails_and_is_still_marked(stack: LiveStack) -> None:
    lines: list[str] = []
    status = await preflight(settings_of(stack), options(test_payment=True, amount=250,
                                                         timeout=0.3), lines.append, poll_s=0.05)
    assert status == 1
    [line] = failures(lines)
    assert line.startswith("FAIL  payment:") and "not verified within" in line, line
    payment_id = line.split()[2]
    trail = await stack.container.get_audit_trail()(ADMIN, payment_id)
    assert [e.to_status for e in trail if e.action == AUDIT_ACTION] == ["pending"]


async def test_no_test_payment_while_a_check_fails(stack: LiveStack) -> None:
    status, lines = await run(settings_of(stack, ikhokha_app_secret="a-wrong-secret-value"),
                              options(test_payment=True))
    assert status == 1
    assert "skip  payment: not attempted while a check fails" in lines
    assert not any("pay it at" in line for line in lines)


async def test_the_simulator_knobs_preflight_relies_on(sim: RunningSimulator,
                                                      http: aiohttp.ClientSession) -> None:
    """Its `Date` header follows `clock_skew_s`, and its 401 says which credential."""
    from email.utils import parsedate_to_datetime

    from adapters.simulator.client import SimulatorControl

    url = sim.api_url + "/payments/history?startDate=2026-01-01&endDate=2026-01-01"
    async with http.get(url, headers={"IK-APPID": "someone-else", "IK-SIGN": "00"}) as resp:
        assert resp.status == 401 and (await resp.json())["message"] == "unknown IK-APPID"
        plain = parsedate_to_datetime(resp.headers["Date"])
    await SimulatorControl(sim.base_url, http).set_faults(clock_skew_s=3600)
    async with http.get(url, headers={"IK-APPID": "test-app-id", "IK-SIGN": "00"}) as resp:
        assert resp.status == 401 and (await resp.json())["message"] == "invalid IK-SIGN"
        skewed = parsedate_to_datetime(resp.headers["Date"])
    assert (skewed - plain).total_seconds() >= 3500
