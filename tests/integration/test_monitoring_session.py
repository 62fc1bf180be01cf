"""A scripted sandbox-like session over real HTTP (real iKhokha adapter + simulator):
3 paid, 1 declined, 1 checkout lost to a hanging gateway. /metrics and /api/v1/stats
must report exactly those counts."""

from __future__ import annotations

import pytest

from tests.support.live_stack import LiveStack, live_stack
from tests.support.scrape import parse_scrape, total, value

pytestmark = pytest.mark.integration

FAST_TIMEOUTS = {"IKHOKHA_TIMEOUT_MS": "200", "IKHOKHA_DEADLINE_MS": "500",
                 "IKHOKHA_RETRY_ATTEMPTS": "3"}


async def _checkout(stack: LiveStack, n: int) -> tuple[int, dict]:
    enrollment = await stack.enrollment(student=f"stu-{n}", amount=10000 * n)
    return await stack.checkout(enrollment["id"], student=f"stu-{n}",
                                key=f"monitoring-session-{n:04d}")


async def _session(stack: LiveStack) -> None:
    for n in (1, 2, 3):
        status, payment = await _checkout(stack, n)
        assert status == 201, payment
        await stack.control.settle(payment["gateway_reference"], "pay")
    status, payment = await _checkout(stack, 4)
    await stack.control.settle(payment["gateway_reference"], "decline")
    await stack.settled()  # the callbacks are confirmed before the gateway hangs
    await stack.control.set_faults(hang=True)
    status, problem = await _checkout(stack, 5)
    assert status == 504 and problem["code"] == "gateway_timeout"
    await stack.control.set_faults(clear=True)


async def test_metrics_and_stats_report_exactly_the_session():
    async with live_stack(**FAST_TIMEOUTS) as stack:
        await _session(stack)
        async with stack.http.get(stack.base_url + "/metrics") as r:
            assert r.status == 200 and r.content_type == "text/plain"
            scrape = parse_scrape(await r.text())
        status, stats = await stack.call("GET", "/api/v1/stats?window=24h",
                                         headers=stack.auth("ops", "admin"))

    assert value(scrape, "skillpay_payments_started_total") == 5
    assert total(scrape, "skillpay_payments_finished_total", status="succeeded") == 3
    assert total(scrape, "skillpay_payments_finished_total", status="failed") == 1
    assert total(scrape, "skillpay_payments_finished_total") == 4
    calls = "skillpay_gateway_call_duration_seconds_count"
    assert value(scrape, calls, endpoint="create_paylink", outcome="ok") == 4
    assert value(scrape, calls, endpoint="create_paylink", outcome="gateway_timeout") == 1
    assert value(scrape, calls, endpoint="get_status", outcome="ok") == 4
    assert total(scrape, "skillpay_gateway_retries_total", endpoint="create_paylink",
                 code="gateway_timeout") >= 1
    assert value(scrape, "skillpay_callbacks_total", outcome="processed") == 4
    assert value(scrape, "skillpay_callbacks_received_total") == 4
    assert value(scrape, "skillpay_errors_total", category="network",
                 code="gateway_timeout") == 1
    assert value(scrape, "skillpay_http_requests_total", method="POST",
                 route="/api/v1/payments", status="201") == 4
    assert value(scrape, "skillpay_http_requests_total", method="POST",
                 route="/api/v1/payments", status="504") == 1
    assert value(scrape, "skillpay_gateway_circuit_state") == 0
    assert value(scrape, "skillpay_outbox_unrelayed_events") >= 0

    assert status == 200, stats
    assert (stats["payments"], stats["finished"], stats["succeeded"]) == (5, 4, 3)
    assert stats["success_rate"] == 0.75
    volumes = {v["status"]: (v["count"], v["amount"]["amount"]) for v in stats["volumes"]}
    assert volumes == {"succeeded": (3, 60000), "failed": (1, 40000), "created": (1, 50000)}
    assert stats["errors_by_category"] == {"network": 1, "payment_declined": 1}
    assert stats["errors_by_code"]["gateway_timeout"] == 1
    latency = {x["endpoint"]: x for x in stats["gateway_latency"]}
    assert latency["create_paylink"]["calls"] == 5 and latency["get_status"]["calls"] == 4
    assert latency["all"]["calls"] == 9
    assert 0 <= latency["all"]["p50_ms"] <= latency["all"]["p95_ms"] <= latency["all"]["p99_ms"]
    assert sum(b["created"] for b in stats["buckets"]) == 5


async def test_stats_survive_a_restart_because_they_come_from_stored_records(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/kept.db"
    async with live_stack(SKILLPAY_DATABASE_URL=url) as stack:
        _, payment = await _checkout(stack, 1)
        await stack.control.settle(payment["gateway_reference"], "pay")
    async with live_stack(SKILLPAY_DATABASE_URL=url) as stack:
        async with stack.http.get(stack.base_url + "/metrics") as r:
            scrape = parse_scrape(await r.text())
        _, stats = await stack.call("GET", "/api/v1/stats?window=1h",
                                    headers=stack.auth("ops", "admin"))
    assert value(scrape, "skillpay_payments_started_total") == 0  # a fresh process
    assert stats["succeeded"] == 1 and stats["success_rate"] == 1.0
    assert {x["endpoint"] for x in stats["gateway_latency"]} >= {"create_paylink", "get_status"}


async def test_stats_are_for_admins_only_and_windows_are_checked():
    async with live_stack() as stack:
        status, problem = await stack.call("GET", "/api/v1/stats",
                                           headers=stack.auth("stu-1"))
        assert status == 403 and problem["code"] == "forbidden"
        status, problem = await stack.call("GET", "/api/v1/stats?window=forever",
                                           headers=stack.auth("ops", "admin"))
        assert status == 400 and problem["code"] == "invalid_request"
        status, _ = await stack.call("GET", "/api/v1/stats")
        assert status == 401
