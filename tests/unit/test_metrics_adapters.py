"""The measuring gateway, the event counting at commit and the Prometheus adapter."""

from __future__ import annotations

from datetime import date

import pytest
from prometheus_client import CollectorRegistry

from adapters.memory.monitoring import MemoryGatewayCallLog
from adapters.metrics.counting_notifier import CountingNotifier
from adapters.metrics.measuring_gateway import MeasuringGateway
from adapters.metrics.prometheus import PrometheusMetrics
from adapters.metrics.recording import RecordingMetrics
from adapters.notify.logging_notifier import RecordingNotifier
from application.ports import GatewayCall, Metrics, PaymentGateway
from domain.classification import ClassifiedFailure
from domain.gateway_report import GatewayStatus
from tests.support.scrape import parse_scrape, value
from tests.support.world import World, student

pytestmark = pytest.mark.unit


class BrokenLog:
    async def record(self, call: GatewayCall) -> None:
        raise ConnectionError("database gone")


def measured(world: World, metrics: Metrics, log=None) -> MeasuringGateway:
    ticks = iter(range(0, 1000, 2))
    return MeasuringGateway(world.gateway, metrics, log or MemoryGatewayCallLog(world.store),
                            world.clock, monotonic=lambda: next(ticks) / 10)


def test_the_decorators_satisfy_their_ports():
    world = World()
    assert isinstance(measured(world, RecordingMetrics()), PaymentGateway)
    assert isinstance(RecordingMetrics(), Metrics)
    assert isinstance(PrometheusMetrics(CollectorRegistry()), Metrics)


async def test_every_gateway_call_is_timed_counted_and_recorded_with_its_outcome():
    world, metrics = World(), RecordingMetrics()
    enrollment = await world.enrollment()
    payment = await world.checkout(enrollment)
    gateway = measured(world, metrics)
    assert (await gateway.get_status(payment.paylink_id or "")) is not None
    world.gateway.fail_next("get_status", ClassifiedFailure("gateway_timeout"))
    with pytest.raises(ClassifiedFailure):
        await gateway.get_status(payment.paylink_id or "")
    assert metrics.count("gateway_calls", endpoint="get_status", outcome="ok") == 1
    assert metrics.count("gateway_calls", endpoint="get_status", outcome="gateway_timeout") == 1
    assert [(c.endpoint, c.outcome, c.duration_ms) for c in world.store.gateway_calls] == [
        ("get_status", "ok", 200), ("get_status", "gateway_timeout", 200)]


async def test_a_lost_call_record_never_fails_the_payment_path():
    world, metrics = World(), RecordingMetrics()
    enrollment = await world.enrollment()
    payment = await world.checkout(enrollment)
    report = await measured(world, metrics, BrokenLog()).get_status(payment.paylink_id or "")
    assert report is not None and metrics.count("gateway_calls", endpoint="get_status",
                                                outcome="ok") == 1


async def test_history_is_one_call_however_many_reports_it_yields():
    world, metrics = World(), RecordingMetrics()
    gateway = measured(world, metrics)
    _ = [r async for r in gateway.history(date(2026, 11, 1), date(2026, 11, 30))]
    assert metrics.count("gateway_calls", endpoint="history", outcome="ok") == 1


async def test_committed_events_are_counted_once_each():
    metrics, published = RecordingMetrics(), RecordingNotifier()
    world = World(notifier=CountingNotifier(published, metrics))
    for n, status in enumerate([GatewayStatus.SUCCESS, GatewayStatus.FAILURE], start=1):
        enrollment = await world.enrollment(student_id=f"stu-{n}")
        payment = await world.checkout(enrollment, key=f"count-key-{n:08d}")
        world.gateway.settle(payment.paylink_id or "", status,
                             failure_code="payment_declined" if n == 2 else None)
        await world.verify_payment(student(f"stu-{n}"), payment.id)
        await world.verify_payment(student(f"stu-{n}"), payment.id)  # no second event
    assert metrics.count("payments_started") == 2
    assert metrics.count("payments_finished", status="succeeded", reason="none") == 1
    assert metrics.count("payments_finished", status="failed", reason="payment_declined") == 1
    assert "PaymentSucceeded" in published.names()  # still published


async def test_prometheus_counts_from_events_on_its_own_registry():
    first, second = PrometheusMetrics(CollectorRegistry()), PrometheusMetrics(CollectorRegistry())
    world = World(notifier=CountingNotifier(RecordingNotifier(), first))
    enrollment = await world.enrollment()
    await world.checkout(enrollment)
    first.gateway_call("create_paylink", "ok", 0.05)
    first.callback("rejected", 0.001)
    first.error("network", "gateway_timeout")
    one, two = (parse_scrape(m.exposition().decode()) for m in (first, second))
    assert value(one, "skillpay_payments_started_total") == 1
    assert value(two, "skillpay_payments_started_total") == 0
    assert value(one, "skillpay_gateway_call_duration_seconds_count",
                 endpoint="create_paylink", outcome="ok") == 1
    assert value(one, "skillpay_callbacks_total", outcome="rejected") == 1
    assert value(one, "skillpay_callbacks_received_total") == 1
    assert value(one, "skillpay_errors_total", category="network", code="gateway_timeout") == 1
