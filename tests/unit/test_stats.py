"""Stats from our own records: success rate, volumes, errors by category, percentiles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.monitoring import MemoryMonitoringQueries
from application.errors import Forbidden
from application.ports import GatewayCall
from application.use_cases.stats import GetStats, percentile
from domain.gateway_report import GatewayStatus
from tests.support.world import ADMIN, World, student

pytestmark = pytest.mark.unit


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert (percentile(values, 0.5), percentile(values, 0.95), percentile(values, 0.99)) == (
        50, 95, 99)
    assert percentile([7], 0.99) == 7 and percentile([], 0.5) == 0
    assert percentile([1, 2, 3, 4], 0.5) == 2


async def _paid_and_declined(world: World) -> None:
    for n, outcome in enumerate([GatewayStatus.SUCCESS, GatewayStatus.SUCCESS,
                                 GatewayStatus.FAILURE, None], start=1):
        enrollment = await world.enrollment(student_id=f"stu-{n}", amount=1000 * n)
        payment = await world.checkout(enrollment, key=f"stats-key-{n:08d}")
        if outcome is not None:
            code = "insufficient_funds" if outcome is GatewayStatus.FAILURE else None
            world.gateway.settle(payment.paylink_id or "", outcome, failure_code=code)
            await world.verify_payment(student(f"stu-{n}"), payment.id)
        world.clock.advance(minutes=10)


async def test_stats_count_what_the_tables_hold():
    world = World()
    await _paid_and_declined(world)
    at = world.clock.now()
    world.store.gateway_calls.extend([
        GatewayCall("create_paylink", "ok", ms, at) for ms in (10, 20, 30, 400)] + [
        GatewayCall("get_status", "gateway_timeout", 900, at),
        GatewayCall("get_status", "gateway_server_error", 50, at)])
    stats = await GetStats(MemoryMonitoringQueries(world.store), world.clock)(
        ADMIN, timedelta(hours=24), buckets=4)
    assert (stats.payments, stats.finished, stats.captured) == (4, 3, 2)
    assert stats.success_rate == pytest.approx(0.6667)
    assert [(v.status, v.count, v.amount_minor) for v in stats.volumes] == [
        ("failed", 1, 3000), ("pending", 1, 4000), ("succeeded", 2, 3000)]
    assert stats.errors_by_category == {"gateway": 1, "network": 1, "payment_declined": 1}
    assert stats.errors_by_code == {"gateway_server_error": 1, "gateway_timeout": 1,
                                    "insufficient_funds": 1}
    overall = stats.latency[0]
    assert (overall.endpoint, overall.calls, overall.p50_ms, overall.p99_ms) == (
        "all", 6, 30, 900)
    assert [x.endpoint for x in stats.latency] == ["all", "create_paylink", "get_status"]
    assert sum(b.created for b in stats.buckets) == 4
    assert sum(b.captured for b in stats.buckets) == 2


async def test_a_window_leaves_older_payments_out_and_an_empty_window_has_no_rate():
    world = World()
    await _paid_and_declined(world)
    world.clock.advance(hours=3)
    stats = await GetStats(MemoryMonitoringQueries(world.store), world.clock)(
        ADMIN, timedelta(hours=1))
    assert stats.payments == 0 and stats.success_rate is None and stats.latency[0].calls == 0


async def test_only_admins_read_stats():
    world = World()
    with pytest.raises(Forbidden):
        await GetStats(MemoryMonitoringQueries(world.store), world.clock)(
            student(), timedelta(hours=1))


async def test_a_students_own_cancel_counts_as_a_cancel_not_a_decline():
    """Pressing Cancel on the payment page is the student's choice, not a bank's decline:
    it was counted under `payment_declined`, inflating the decline figures."""
    world = World()
    for n, outcome in enumerate([GatewayStatus.CANCELLED, GatewayStatus.FAILURE], start=1):
        enrollment = await world.enrollment(student_id=f"stu-{n}")
        payment = await world.checkout(enrollment, key=f"cancel-key-{n:08d}")
        world.gateway.settle(payment.paylink_id or "", outcome)
        await world.verify_payment(student(f"stu-{n}"), payment.id)
    stats = await GetStats(MemoryMonitoringQueries(world.store), world.clock)(
        ADMIN, timedelta(hours=1))
    assert stats.errors_by_category == {"cancelled": 1, "payment_declined": 1}
    assert stats.errors_by_code == {"payment_cancelled": 1, "payment_declined": 1}
