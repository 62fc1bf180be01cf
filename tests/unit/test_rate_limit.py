import pytest

from application.rate_limit import TokenBuckets

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_full_bucket_allows_a_burst_then_refills_with_time():
    clock = Clock()
    buckets = TokenBuckets(10, clock)
    assert all(buckets.take("sub:a") == 0.0 for _ in range(10))
    wait = buckets.take("sub:a")
    assert wait == pytest.approx(6.0)  # one token every 6 s at 10/min
    assert buckets.take("sub:b") == 0.0  # another key has its own bucket
    clock.now += 6.0
    assert buckets.take("sub:a") == 0.0
    assert buckets.take("sub:a") > 0


def test_zero_switches_the_limit_off():
    buckets = TokenBuckets(0, Clock())
    assert all(buckets.take("k") == 0.0 for _ in range(1000))
