"""Rate limits hold across instances: with REDIS_URL set, two API instances (each under
uvicorn with its own database and simulator) count against one limit in Redis. With Redis
configured but down, limits fail open: requests are allowed, one warning is logged."""

from __future__ import annotations

import logging

import pytest

from entrypoints.http.limiters import RedisCounters, RedisLimiter
from tests.support.live_stack import LiveStack, live_stack
from tests.support.redis_service import closed_port, fresh_prefix, require_redis

pytestmark = pytest.mark.integration


async def _checkouts(stack: LiveStack, student: str, count: int, tag: str) -> list[tuple]:
    answers = []
    for n in range(count):
        enrollment = await stack.enrollment(student)
        answers.append(await stack.checkout(enrollment["id"], student,
                                            f"shared-{tag}-{n:010d}"))
    return answers


async def test_the_payments_limit_holds_across_two_instances():
    redis_url = require_redis()
    env = {"REDIS_URL": redis_url, "SKILLPAY_RATE_LIMIT_PREFIX": fresh_prefix("payments"),
           "SKILLPAY_RATE_LIMIT_PAYMENTS": "3", "SKILLPAY_MAX_OPEN_CHECKOUTS": "0"}
    async with live_stack(**env) as first, live_stack(**env) as second:
        on_first = await _checkouts(first, "stu-shared", 2, "a")
        on_second = await _checkouts(second, "stu-shared", 2, "b")
        assert [s for s, _ in on_first] == [201, 201], on_first
        assert on_second[0][0] == 201, on_second
        status, problem = on_second[1]  # the 4th of 3 per minute, whichever instance
        assert status == 429 and problem["code"] == "rate_limited", problem
        # the limit is per caller: another student still pays, on either instance
        assert [s for s, _ in await _checkouts(first, "stu-other", 1, "c")] == [201]
        # and the first student stays limited on both
        status, problem = (await _checkouts(first, "stu-shared", 1, "d"))[0]
        assert status == 429 and problem["code"] == "rate_limited", problem


async def test_the_bad_callback_limit_holds_across_two_instances():
    redis_url = require_redis()
    env = {"REDIS_URL": redis_url, "SKILLPAY_RATE_LIMIT_PREFIX": fresh_prefix("webhook"),
           "SKILLPAY_RATE_LIMIT_WEBHOOK": "2"}
    async with live_stack(**env) as first, live_stack(**env) as second:

        async def bad_callback(stack: LiveStack) -> tuple[int, str | None]:
            async with stack.http.post(stack.base_url + "/webhooks/ikhokha",
                                       data=b"{}") as r:
                return r.status, r.headers.get("Retry-After")

        codes = [await bad_callback(s) for s in (first, second, second, first)]
        assert [c for c, _ in codes] == [401, 401, 429, 429], codes
        assert all(int(retry) >= 1 for _, retry in codes[2:]), codes


async def test_limits_fail_open_when_redis_is_down(caplog):
    with closed_port() as port:
        env = {"REDIS_URL": f"redis://127.0.0.1:{port}/0",
               "SKILLPAY_RATE_LIMIT_PAYMENTS": "1", "SKILLPAY_RATE_LIMIT_WEBHOOK": "1",
               "SKILLPAY_MAX_OPEN_CHECKOUTS": "0"}
        with caplog.at_level(logging.WARNING, logger="skillpay.security"):
            async with live_stack(**env) as stack:
                answers = await _checkouts(stack, "stu-open", 3, "open")
                bad = []
                for _ in range(3):
                    async with stack.http.post(stack.base_url + "/webhooks/ikhokha",
                                               data=b"{}") as r:
                        bad.append(r.status)
    assert [s for s, _ in answers] == [201, 201, 201], answers  # allowed, never 5xx
    assert bad == [401, 401, 401]
    warnings = [r for r in caplog.records if "rate limits unavailable" in r.getMessage()]
    assert len(warnings) == 1  # once a minute, not once a request


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_dead_redis_is_warned_about_once_a_minute_and_retried(caplog):
    clock = ManualClock()
    with closed_port() as port, caplog.at_level(logging.WARNING, logger="skillpay.security"):
        counters = RedisCounters(f"redis://127.0.0.1:{port}/0", fresh_prefix(), clock)
        limiter = RedisLimiter(counters, "payments", 1)
        try:
            assert [await limiter.hit("sub:a") for _ in range(5)] == [0.0] * 5
            assert await limiter.has_room("sub:a")
            clock.now += 30  # Redis is tried again, still down: no second warning yet
            assert await limiter.hit("sub:a") == 0.0
            clock.now += 31
            assert await limiter.hit("sub:a") == 0.0
        finally:
            await counters.aclose()
    warnings = [r for r in caplog.records if "rate limits unavailable" in r.getMessage()]
    assert len(warnings) == 2


async def test_a_shared_limit_tells_how_long_to_wait():
    counters = RedisCounters(require_redis(), fresh_prefix("wait"), ManualClock())
    limiter = RedisLimiter(counters, "verify", 2)
    try:
        assert [await limiter.hit("sub:a") for _ in range(2)] == [0.0, 0.0]
        assert not await limiter.has_room("sub:a")
        assert 1.0 <= await limiter.hit("sub:a") <= 60.0
        assert await limiter.has_room("sub:b")  # per key
        assert await RedisLimiter(counters, "verify", 0).hit("sub:a") == 0.0  # 0: off
    finally:
        await counters.aclose()
