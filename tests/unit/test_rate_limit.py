import pytest

from entrypoints.http.limiters import MemoryLimiter, limits_uri

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_a_full_bucket_allows_a_burst_then_refills_with_time():
    clock = Clock()
    limiter = MemoryLimiter(10, clock)
    assert [await limiter.hit("sub:a") for _ in range(10)] == [0.0] * 10
    assert not await limiter.has_room("sub:a")
    wait = await limiter.hit("sub:a")
    assert wait == pytest.approx(6.0)  # one token every 6 s at 10/min
    assert await limiter.hit("sub:b") == 0.0  # another key has its own bucket
    clock.now += 6.0
    assert await limiter.has_room("sub:a")
    assert await limiter.hit("sub:a") == 0.0
    assert await limiter.hit("sub:a") > 0


async def test_asking_for_room_takes_nothing():
    limiter = MemoryLimiter(2, Clock())
    for _ in range(5):
        assert await limiter.has_room("ip:1")
    assert [await limiter.hit("ip:1") for _ in range(3)][:2] == [0.0, 0.0]


async def test_zero_switches_the_limit_off():
    limiter = MemoryLimiter(0, Clock())
    assert all([await limiter.hit("k") == 0.0 for _ in range(1000)])
    assert await limiter.has_room("k")


def test_a_redis_url_becomes_the_async_storage_uri_of_limits():
    assert limits_uri("redis://127.0.0.1:6379/0") == "async+redis://127.0.0.1:6379/0"
    assert limits_uri("rediss://h:6380") == "async+rediss://h:6380"
    assert limits_uri("async+redis://h") == "async+redis://h"
