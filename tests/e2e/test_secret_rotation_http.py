"""Secret rotation through the running service (uvicorn, the real iKhokha adapter, the
iK Pay simulator): during the grace period a student token signed with the previous JWT
secret buys a course and the simulator's callback, signed with the previous callback
secret, unlocks it; /metrics and the log show both uses. Past the grace period (the
injected clock moves) the same token and the same callback are refused."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from adapters.system.clock import FixedClock
from entrypoints.container import Container
from entrypoints.http.auth import TokenCodec
from tests.support.live_stack import APP_SECRET, live_stack
from tests.support.scrape import parse_scrape, value

pytestmark = pytest.mark.e2e

OLD_JWT, NEW_JWT = "e2e-old-jwt-secret-rotating-out-0001", "e2e-new-jwt-secret-rotating-in-00002"
NEW_CALLBACK_SECRET = "e2e-new-callback-secret-02"  # the simulator still signs with the old


async def scrape(stack) -> dict:  # type: ignore[no-untyped-def]
    await stack.settled()
    async with stack.http.get(stack.base_url + "/metrics") as r:
        return parse_scrape(await r.text())


async def test_previous_secrets_pass_during_the_grace_period_and_fail_after_it(caplog):
    clock = FixedClock(datetime.now(UTC))
    grace_until = clock.now() + timedelta(hours=1)

    def configure(container: Container) -> None:
        container.clock.override(clock)

    env = {"SKILLPAY_JWT_SECRET": NEW_JWT, "SKILLPAY_JWT_SECRET_PREVIOUS": OLD_JWT,
           "IKHOKHA_WEBHOOK_SECRET": NEW_CALLBACK_SECRET,
           "IKHOKHA_WEBHOOK_SECRET_PREVIOUS": APP_SECRET,
           "SKILLPAY_SECRET_GRACE_UNTIL": grace_until.isoformat()}
    old_student = {"Authorization": f"Bearer {TokenCodec(OLD_JWT).mint('stu-1', 'student')}"}
    caplog.set_level(logging.WARNING, logger="skillpay.security")
    async with live_stack(configure, **env) as stack:
        enrollment = await stack.enrollment()  # a service token minted with the current
        status, payment = await stack.call(
            "POST", "/api/v1/payments", json={"enrollment_id": enrollment["id"]},
            headers={**old_student, "Idempotency-Key": "rotation-checkout-01"})
        assert status == 201, payment
        await stack.control.settle(payment["gateway_reference"], "pay")
        status, paid = await stack.call("GET", f"/api/v1/payments/{payment['id']}",
                                        headers=old_student)
        assert (status, paid["status"]) == (200, "succeeded")

        samples = await scrape(stack)
        assert value(samples, "skillpay_previous_secret_used_total", secret="callback") == 1
        assert value(samples, "skillpay_previous_secret_used_total", secret="jwt") == 2  # once per request
        lines = [r.getMessage() for r in caplog.records]
        assert any(line.startswith("previous jwt secret still in use") for line in lines)
        assert any(line.startswith("previous callback secret still in use") for line in lines)
        assert not any(OLD_JWT in line or APP_SECRET in line for line in lines)

        clock.advance(hours=2)  # the grace period is over
        status, refused = await stack.call("GET", f"/api/v1/payments/{payment['id']}",
                                           headers=old_student)
        assert (status, refused["code"]) == (401, "unauthenticated")
        (callback,) = [c for c in (await stack.control.state())["callbacks"]
                       if c.get("delivered")]
        status, refused = await stack.call("POST", "/webhooks/ikhokha",
                                           data=callback["body"].encode(),
                                           headers=callback["headers"])
        assert (status, refused["code"]) == (401, "invalid_signature")
        status, still = await stack.call("GET", f"/api/v1/payments/{payment['id']}",
                                         headers=stack.auth("stu-1"))  # the current secret
        assert (status, still["status"]) == (200, "succeeded")
        after = await scrape(stack)
        assert value(after, "skillpay_previous_secret_used_total", secret="callback") == 1
