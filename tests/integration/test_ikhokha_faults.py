"""The real adapter against the simulator's fault knobs: for each, the code, the number
of attempts the simulator counted, the outcome, and exactly one paylink on retries."""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from adapters.ikhokha import IkhokhaGateway
from adapters.ikhokha.breaker import BreakerRegistry, CircuitBreaker
from adapters.ikhokha.retry_budget import RetryBudget
from adapters.simulator import RunningSimulator
from adapters.simulator.client import SimulatorControl
from application.ports import PaylinkRequest
from domain.classification import ClassifiedFailure
from domain.money import Money

pytestmark = pytest.mark.integration
Make = Callable[..., IkhokhaGateway]

def req(payment_id: str = "pay_fault_1") -> PaylinkRequest:
    return PaylinkRequest(payment_id, "enr_1", Money(10000, "ZAR"), "Course",
                          "http://127.0.0.1:9/webhooks/ikhokha", "http://app/ok",
                          "http://app/failed", "http://app/cancelled")

async def failure_code(coro: object) -> str:
    with pytest.raises(ClassifiedFailure) as err:
        await coro  # type: ignore[misc]
    return err.value.code

async def test_two_503_then_success_makes_one_paylink(make_gateway: Make,
                                                      control: SimulatorControl,
                                                      sim: RunningSimulator) -> None:
    await control.fail_next("create", 2, status=503)
    link = await make_gateway().create_paylink(req())
    assert await control.requests("create") == 3
    assert [p.paylink_id for p in sim.state.paylinks.values()] == [link.paylink_id]

async def test_retried_create_after_reset_and_malformed_yields_one_paylink(
        make_gateway: Make, control: SimulatorControl, sim: RunningSimulator) -> None:
    await control.set_faults(script={"create": [{"kind": "reset"}, {"kind": "malformed"},
                                                {"kind": "error", "status": 502}]})
    link = await make_gateway().create_paylink(req())
    assert await control.requests("create") == 4
    assert list(sim.state.paylinks) == [link.paylink_id]

async def test_server_errors_exhaust_one_plus_retries(make_gateway: Make,
                                                     control: SimulatorControl) -> None:
    await control.fail_next("create", 10, status=500)
    code = await failure_code(make_gateway(retry_attempts=2).create_paylink(req()))
    assert code == "gateway_server_error" and await control.requests("create") == 3

async def test_hang_raises_gateway_timeout(make_gateway: Make, control: SimulatorControl,
                                          sim: RunningSimulator) -> None:
    await control.set_faults(hang=True)
    gateway = make_gateway(timeout_ms=200, deadline_ms=500)
    assert await failure_code(gateway.create_paylink(req())) == "gateway_timeout"
    assert 1 <= await control.requests("create") <= 4
    assert sim.state.paylinks == {}

async def test_429_retry_after_is_honoured(make_gateway: Make, control: SimulatorControl,
                                          sleeps: Any, sim: RunningSimulator) -> None:
    await control.fail_next("create", 1, status=429, retry_after="5")
    await make_gateway(retry_delay_ms=100, deadline_ms=30_000).create_paylink(req())
    assert sleeps.delays == [5.0]
    assert await control.requests("create") == 2 and len(sim.state.paylinks) == 1


async def test_retry_after_beyond_the_deadline_gives_up_without_waiting(
        make_gateway: Make, control: SimulatorControl, sleeps: Any) -> None:
    await control.fail_next("create", 1, status=429, retry_after="30")
    gateway = make_gateway(deadline_ms=5_000)
    assert await failure_code(gateway.create_paylink(req())) == "gateway_rate_limited"
    assert sleeps.delays == [] and await control.requests("create") == 1

async def test_429_without_retries_carries_retry_after(make_gateway: Make,
                                                      control: SimulatorControl) -> None:
    await control.fail_next("create", 1, status=429, retry_after="7")
    with pytest.raises(ClassifiedFailure) as err:
        await make_gateway(retry_attempts=0).create_paylink(req())
    assert err.value.code == "gateway_rate_limited" and err.value.retry_after_s == 7.0

async def test_bad_credentials_are_auth_failed_and_not_retried(
        make_gateway: Make, control: SimulatorControl, sleeps: Any) -> None:
    gateway = make_gateway(app_secret="wrong-secret")
    assert await failure_code(gateway.create_paylink(req())) == "gateway_auth_failed"
    assert await control.requests("create") == 1 and sleeps.delays == []

async def test_scripted_403_and_400(make_gateway: Make, control: SimulatorControl) -> None:
    await control.set_faults(script={"status": [{"kind": "error", "status": 403},
                                                {"kind": "error", "status": 400}]})
    gateway = make_gateway()
    assert await failure_code(gateway.get_status("abc")) == "gateway_auth_failed"
    assert await failure_code(gateway.get_status("abc")) == "gateway_rejected_request"
    assert await control.requests("status") == 2

async def test_malformed_body(make_gateway: Make, control: SimulatorControl) -> None:
    await control.set_faults(malformed=True)
    code = await failure_code(make_gateway(retry_attempts=1).create_paylink(req()))
    assert code == "gateway_malformed_response" and await control.requests("create") == 2

async def test_connection_reset(make_gateway: Make, control: SimulatorControl) -> None:
    await control.set_faults(reset=True)
    code = await failure_code(make_gateway(retry_attempts=0).create_paylink(req()))
    assert code == "gateway_connection_reset" and await control.requests("create") == 1

async def test_circuit_opens_and_then_fails_without_a_request(make_gateway: Make,
                                                              control: SimulatorControl) -> None:
    await control.fail_next("create", 10, status=503)
    breakers = BreakerRegistry(lambda: CircuitBreaker(threshold=3, reset_after_s=60))
    gateway = make_gateway(retry_attempts=0, breakers=breakers)
    for _ in range(3):
        assert await failure_code(gateway.create_paylink(req())) == "gateway_server_error"
    assert await failure_code(gateway.create_paylink(req())) == "gateway_circuit_open"
    assert await failure_code(gateway.get_status("abc")) == "gateway_circuit_open"
    assert await control.requests("create") == 3 and await control.requests("status") == 0

async def test_seeded_error_rate_is_reproducible(make_gateway: Make,
                                                 control: SimulatorControl) -> None:
    await control.set_faults(error_rate={"create": 1.0}, error_status=502, seed=42)
    code = await failure_code(make_gateway().create_paylink(req()))
    assert code == "gateway_server_error" and await control.requests("create") == 4

async def test_exhausted_retry_budget_means_a_single_attempt(make_gateway: Make,
                                                            control: SimulatorControl) -> None:
    await control.fail_next("create", 5, status=503)
    gateway = make_gateway(retry_budget=RetryBudget(floor=0, cap_extra=0))
    assert await failure_code(gateway.create_paylink(req())) == "gateway_server_error"
    assert await control.requests("create") == 1

async def test_status_and_history_are_retried(make_gateway: Make, control: SimulatorControl,
                                              sim: RunningSimulator) -> None:
    gateway = make_gateway()
    link = await gateway.create_paylink(req())
    await control.fail_next("status", 1, status=502)
    await control.fail_next("history", 1, status=500)
    report = await gateway.get_status(link.paylink_id)
    assert report is not None and report.paylink_id == link.paylink_id
    today = next(iter(sim.state.paylinks.values())).created_at.date()
    assert [r.paylink_id async for r in gateway.history(today, today)] == [link.paylink_id]
    assert await control.requests("status") == 2 and await control.requests("history") == 2

async def test_history_is_split_into_seven_day_windows(make_gateway: Make,
                                                      control: SimulatorControl) -> None:
    reports = [r async for r in make_gateway().history(date(2026, 1, 1), date(2026, 1, 20))]
    assert reports == [] and await control.requests("history") == 3

async def test_latency_within_timeout_still_succeeds(make_gateway: Make,
                                                     control: SimulatorControl) -> None:
    await control.set_faults(latency_ms=20)
    assert (await make_gateway().create_paylink(req())).paylink_id

async def test_refused_connection_is_unreachable(make_gateway: Make) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gateway = make_gateway(base_url=f"http://127.0.0.1:{port}/public-api/v1/api",
                           retry_attempts=0)
    assert await failure_code(gateway.create_paylink(req())) == "gateway_unreachable"

async def test_unresolvable_host_is_dns_failure(make_gateway: Make) -> None:
    gateway = make_gateway(base_url="http://no-such-host.invalid/public-api/v1/api",
                           retry_attempts=0)
    assert await failure_code(gateway.create_paylink(req())) == "gateway_dns_failure"

async def test_refund_makes_no_http_call(make_gateway: Make, control: SimulatorControl) -> None:
    result = await make_gateway().refund(paylink_id="abc", payment_id="pay_1",
                                         amount=Money(100, "ZAR"), reason="r", refund_id="r1")
    assert result.mode.value == "manual_action_required"
    assert sum((await control.state())["requests"].values()) == 0
