"""Breaker, retry budget, Retry-After parsing and the retry policy, on fake clocks."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from adapters.ikhokha.breaker import BreakerRegistry, CircuitBreaker
from adapters.ikhokha.failures import parse_retry_after
from adapters.ikhokha.retry_budget import RetryBudget
from adapters.ikhokha.retrying import RetryPolicy
from domain.classification import ClassifiedFailure

pytestmark = pytest.mark.unit


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class RecordingSleep:
    def __init__(self, clock: FakeMonotonic | None = None) -> None:
        self.delays: list[float] = []
        self.clock = clock

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        if self.clock is not None:
            self.clock.now += delay


def test_breaker_opens_after_threshold_then_half_opens_and_closes() -> None:
    clock = FakeMonotonic()
    breaker = CircuitBreaker(threshold=3, reset_after_s=10, monotonic=clock)
    for _ in range(3):
        breaker.before_attempt()
        breaker.record_failure("gateway_server_error")
    with pytest.raises(ClassifiedFailure) as err:
        breaker.before_attempt()
    assert err.value.code == "gateway_circuit_open"
    clock.now += 10
    breaker.before_attempt()  # the one trial
    with pytest.raises(ClassifiedFailure):
        breaker.before_attempt()  # no second trial while the first is in flight
    breaker.record_success()
    assert breaker.state == "closed"


def test_breaker_trial_failure_reopens_and_4xx_does_not_count() -> None:
    clock = FakeMonotonic()
    breaker = CircuitBreaker(threshold=2, reset_after_s=5, monotonic=clock)
    for _ in range(5):
        breaker.record_failure("gateway_rejected_request")
    assert breaker.state == "closed"
    breaker.record_failure("gateway_timeout")
    breaker.record_failure("gateway_timeout")
    clock.now += 5
    breaker.before_attempt()
    breaker.record_failure("gateway_timeout")
    assert breaker.state == "open"


def test_abandoned_trial_frees_the_half_open_slot() -> None:
    clock = FakeMonotonic()
    breaker = CircuitBreaker(threshold=1, reset_after_s=5, monotonic=clock)
    breaker.record_failure("gateway_timeout")
    clock.now += 5
    breaker.before_attempt()
    breaker.abandon()
    breaker.before_attempt()  # a new trial is allowed
    breaker.record_success()
    assert breaker.state == "closed"


def test_breaker_registry_is_per_host() -> None:
    registry = BreakerRegistry()
    assert registry.for_host("a") is registry.for_host("a")
    assert registry.for_host("a") is not registry.for_host("b")


def test_retry_budget_limits_retries_to_a_share_of_calls() -> None:
    budget = RetryBudget(ratio=0.2, floor=2, cap_extra=0)
    assert budget.try_spend() and budget.try_spend() and not budget.try_spend()
    for _ in range(5):
        budget.record_call()
    assert budget.try_spend() and not budget.try_spend()


@pytest.mark.parametrize("value,expected", [("3", 3.0), ("600", 60.0), (None, None),
                                            ("soon", None), ("", None),
                                            ("Sun, 29 Nov 2026 12:00:30 GMT", 30.0),
                                            ("Sun, 29 Nov 2026 11:00:00 GMT", 0.0)])
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    now = datetime(2026, 11, 29, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after(value, now) == expected


def _policy(**kw: object) -> tuple[RetryPolicy, RecordingSleep, FakeMonotonic]:
    clock = FakeMonotonic()
    sleep = RecordingSleep(clock)
    defaults: dict[str, object] = {"retries": 3, "base_delay_s": 1.0, "deadline_s": 30.0,
                                   "attempt_timeout_s": 5.0, "sleep": sleep, "monotonic": clock,
                                   "rng": random.Random(7)}
    defaults.update(kw)
    return RetryPolicy(**defaults), sleep, clock  # type: ignore[arg-type]


async def test_at_most_one_plus_retries_attempts_with_full_jitter() -> None:
    policy, sleep, _ = _policy()
    calls: list[float] = []

    async def attempt(timeout: float) -> None:
        calls.append(timeout)
        raise ClassifiedFailure("gateway_server_error")

    with pytest.raises(ClassifiedFailure):
        await policy.run(attempt, idempotent=True)
    assert len(calls) == 4 and len(sleep.delays) == 3
    assert all(0 <= d <= 2 ** i for i, d in enumerate(sleep.delays))


async def test_retry_after_wins_when_larger_and_non_idempotent_is_not_retried() -> None:
    policy, sleep, _ = _policy(base_delay_s=0.0)
    outcomes = [ClassifiedFailure("gateway_rate_limited", retry_after_s=7.0)]

    async def attempt(timeout: float) -> str:
        if outcomes:
            raise outcomes.pop()
        return "ok"

    assert await policy.run(attempt, idempotent=True) == "ok"
    assert sleep.delays == [7.0]
    outcomes.append(ClassifiedFailure("gateway_server_error"))
    with pytest.raises(ClassifiedFailure):
        await policy.run(attempt, idempotent=False)


async def test_no_attempt_starts_after_the_deadline_and_timeouts_shrink() -> None:
    policy, _sleep, clock = _policy(base_delay_s=0.0, deadline_s=12.0, retries=10)
    timeouts: list[float] = []

    async def attempt(timeout: float) -> None:
        timeouts.append(timeout)
        clock.now += timeout
        raise ClassifiedFailure("gateway_timeout")

    with pytest.raises(ClassifiedFailure) as err:
        await policy.run(attempt, idempotent=True)
    assert err.value.code == "gateway_timeout"
    assert timeouts == [5.0, 5.0, 2.0]


async def test_non_retryable_codes_and_exhausted_budget_stop_at_once() -> None:
    policy, _, _ = _policy(budget=RetryBudget(floor=0, cap_extra=0))
    count = 0

    async def attempt(timeout: float) -> None:
        nonlocal count
        count += 1
        raise ClassifiedFailure("gateway_server_error")

    with pytest.raises(ClassifiedFailure):
        await policy.run(attempt, idempotent=True)
    assert count == 1
