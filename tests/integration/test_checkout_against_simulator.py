"""The product end to end over real HTTP: our API with the real iKhokha adapter and
the simulator, under the simulator's fault knobs."""

import pytest

from tests.support.live_stack import live_stack

pytestmark = pytest.mark.integration


async def test_paid_checkout_unlocks_the_course_through_a_signed_callback():
    async with live_stack() as stack:
        enrollment = await stack.enrollment()
        status, payment = await stack.checkout(enrollment["id"])
        assert status == 201 and payment["status"] == "pending"
        await stack.control.settle(payment["gateway_reference"], "pay")
        _, after = await stack.call("GET", f"/api/v1/enrollments/{enrollment['id']}",
                                    headers=stack.auth("stu-1"))
        assert after["status"] == "active"
        _, paid = await stack.call("GET", f"/api/v1/payments/{payment['id']}",
                                   headers=stack.auth("stu-1"))
        assert paid["status"] == "succeeded"


async def test_two_of_three_creates_failing_with_503_still_give_one_payment_one_paylink():
    async with live_stack() as stack:
        enrollment = await stack.enrollment()
        await stack.control.fail_next("create", 2, status=503)
        status, payment = await stack.checkout(enrollment["id"])
        assert status == 201 and payment["status"] == "pending"
        state = await stack.control.state()
        assert state["requests"]["create"] == 3
        assert len(state["paylinks"]) == 1
        _, history = await stack.call("GET", "/api/v1/payments", headers=stack.auth("stu-1"))
        assert [p["id"] for p in history["items"]] == [payment["id"]]


async def test_a_hanging_gateway_gives_a_retryable_problem_and_the_retry_recovers():
    env = {"IKHOKHA_TIMEOUT_MS": "200", "IKHOKHA_DEADLINE_MS": "500",
           "IKHOKHA_RETRY_ATTEMPTS": "3"}
    async with live_stack(**env) as stack:
        enrollment = await stack.enrollment()
        await stack.control.set_faults(hang=True)
        status, problem = await stack.checkout(enrollment["id"])
        assert status == 504
        assert problem["code"] == "gateway_timeout" and problem["retryable"] is True
        assert problem["category"] == "network"
        await stack.control.set_faults(clear=True)
        status, payment = await stack.checkout(enrollment["id"])
        assert status == 201 and payment["status"] == "pending"
        state = await stack.control.state()
        assert len(state["paylinks"]) == 1


async def test_a_declined_card_leaves_the_course_locked_and_says_what_to_do():
    async with live_stack() as stack:
        enrollment = await stack.enrollment()
        _, payment = await stack.checkout(enrollment["id"])
        await stack.control.settle(payment["gateway_reference"], "decline")
        _, after = await stack.call("GET", f"/api/v1/payments/{payment['id']}",
                                    headers=stack.auth("stu-1"))
        assert after["status"] == "failed"
        assert "another card" in after["user_message"]
        _, e = await stack.call("GET", f"/api/v1/enrollments/{enrollment['id']}",
                                headers=stack.auth("stu-1"))
        assert e["status"] == "pending_payment"


async def test_a_signed_success_callback_replayed_100_times_changes_nothing_after_the_first():
    async with live_stack() as stack:
        enrollment = await stack.enrollment()
        _, payment = await stack.checkout(enrollment["id"])
        await stack.control.settle(payment["gateway_reference"], "pay")
        (callback,) = [c for c in (await stack.control.state())["callbacks"]
                       if c.get("delivered")]
        _, first = await stack.call("GET", f"/api/v1/payments/{payment['id']}",
                                    headers=stack.auth("stu-1"))
        for _ in range(100):
            status, ack = await stack.call("POST", "/webhooks/ikhokha",
                                           data=callback["body"].encode(),
                                           headers=callback["headers"])
            assert (status, ack["duplicate"]) == (200, True)
        _, after = await stack.call("GET", f"/api/v1/payments/{payment['id']}",
                                    headers=stack.auth("stu-1"))
        assert after == first
        _, trail = await stack.call("GET", f"/api/v1/payments/{payment['id']}/audit",
                                    headers=stack.auth("ops", "admin"))
        changes = [(e["entity"], e["to_status"]) for e in trail["items"]]
        assert changes.count(("payment", "succeeded")) == 1
        assert changes.count(("enrollment", "active")) == 1
