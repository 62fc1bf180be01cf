"""One student's script cannot flood the gateway through verify: concurrent verifies of one
payment share one status call, and each caller has a rate limit (429 with Retry-After)."""

from __future__ import annotations

import asyncio

import pytest

from adapters.fake.gateway import FakeGateway
from adapters.system.clock import SystemClock
from application.actor import Actor, Role
from application.use_cases.verify_payment import VerifyPayment
from tests.support.secure_api import secure_api
from tests.support.world import World

pytestmark = pytest.mark.e2e


class SlowGateway(FakeGateway):
    """A gateway whose status call takes a moment, so callers overlap as in production."""

    async def get_status(self, paylink_id):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.05)
        return await super().get_status(paylink_id)


async def test_three_hundred_concurrent_verifies_make_a_handful_of_gateway_calls():
    world = World(real_gateway=SlowGateway(SystemClock()))
    enrollment = await world.enrollment()
    payment = await world.checkout(enrollment)
    verify = VerifyPayment(world.tx, world.gateway, world.apply_report)
    student = Actor("stu-1", Role.STUDENT)

    results = await asyncio.gather(*(verify(student, payment.id) for _ in range(300)))

    assert {r.id for r in results} == {payment.id}
    assert world.gateway.calls.count("get_status") <= 5


def test_a_caller_verifying_too_fast_is_rate_limited():
    with secure_api({"SKILLPAY_RATE_LIMIT_VERIFY": "3"}) as api:
        enrollment = api.enrollment("stu-1")
        payment = api.checkout(enrollment["id"]).json()
        url = f"/api/v1/payments/{payment['id']}/verify"
        answers = [api.client.post(url, headers=api.auth("stu-1")) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert answers[-1].json()["code"] == "rate_limited"
        assert int(answers[-1].headers["Retry-After"]) >= 1
        other = api.client.post(url, headers=api.auth("admin-1", "admin"))
        assert other.status_code == 200  # the limit is per caller
        api.clock.now += 60
        assert api.client.post(url, headers=api.auth("stu-1")).status_code == 200
