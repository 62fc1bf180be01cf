"""A signed callback is acknowledged after one commit; confirming it runs afterwards.

With the gateway's status call hanging, the 200 still comes back with the callback
stored and the payment untouched (before, the answer waited for the gateway and the row
was already marked). Once the gateway answers again, the payment is confirmed with no
further callback. A busy instance leaves the callback to any worker at once, and on
PostgreSQL the insert wakes the workers that listen."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from adapters.simulator.signing import ik_sign
from adapters.sql.callback_intake import SqlCallbackIntake
from adapters.sql.inbox_wake import InboxWake
from application.ports import InboxItem
from tests.support.builders import T0
from tests.support.live_stack import APP_ID, APP_SECRET, LiveStack, live_stack
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration
WEBHOOK = "/webhooks/ikhokha"


async def signed_success(stack: LiveStack, paylink_id: str) -> tuple[bytes, dict[str, str]]:
    state = await stack.control.state()
    link = next(p for p in state["paylinks"] if p["paylinkID"] == paylink_id)
    body = json.dumps({"paylinkID": paylink_id, "status": "SUCCESS",
                       "externalTransactionID": link["externalTransactionID"],
                       "responseCode": "00"}, separators=(",", ":"))
    return body.encode(), {"ik-appid": APP_ID, "ik-sign": ik_sign(APP_SECRET, WEBHOOK, body),
                           "Content-Type": "application/json"}


async def one_value(stack: LiveStack, sql: str, **params: str) -> object:
    async with stack.container.engine().connect() as conn:
        return (await conn.execute(text(sql), params)).scalar()


async def test_a_confirmation_runs_after_the_answer_and_unlocks_the_course():
    async with live_stack(IKHOKHA_TIMEOUT_MS="1000", IKHOKHA_DEADLINE_MS="2000",
                          SKILLPAY_WORKER_INTERVAL_MS="100") as stack:
        await stack.control.set_faults(callback_reorder=True)  # we deliver it ourselves
        enrollment = await stack.enrollment()
        _, payment = await stack.checkout(enrollment["id"])
        paylink = payment["gateway_reference"]
        await stack.control.settle(paylink, "pay")
        body, headers = await signed_success(stack, paylink)
        await stack.control.set_faults(hang=True)

        async with stack.http.post(stack.base_url + WEBHOOK, data=body, headers=headers) as r:
            assert r.status == 200 and await r.json() == {"received": True,
                                                          "duplicate": False}
        stored = await one_value(stack, "SELECT status FROM webhook_inbox "
                                        "WHERE paylink_id = :p", p=paylink)
        payment_now = await one_value(stack, "SELECT status FROM payments WHERE id = :i",
                                      i=payment["id"])
        assert (stored, payment_now) == ("received", "pending")

        await stack.control.set_faults(clear=True)

        async def paid() -> bool:
            return await one_value(stack, "SELECT status FROM payments WHERE id = :i",
                                   i=payment["id"]) == "succeeded"

        for _ in range(600):  # the first try timed out; the retry comes after its backoff
            if await paid():
                break
            await asyncio.sleep(0.05)
        assert await paid()


async def test_an_instance_that_only_acknowledges_wakes_a_worker(postgres_url):
    """SKILLPAY_CALLBACK_CONCURRENCY=0 (as a full dispatcher does), and the sweep's timer
    is a minute away: only the wake-up sent with the insert can get the payment
    confirmed within the wait."""
    async with live_stack(SKILLPAY_DATABASE_URL=postgres_url,
                          SKILLPAY_WORKER_INTERVAL_MS="60000",
                          SKILLPAY_CALLBACK_CONCURRENCY="0") as stack:
        enrollment = await stack.enrollment()
        _, payment = await stack.checkout(enrollment["id"], key="busy-instance-0001")
        await stack.control.set_faults(callback_reorder=True)
        await stack.control.settle(payment["gateway_reference"], "pay")
        body, headers = await signed_success(stack, payment["gateway_reference"])
        async with stack.http.post(stack.base_url + WEBHOOK, data=body, headers=headers) as r:
            assert r.status == 200
        assert stack.container.callback_dispatcher().idle()  # it never took the callback

        async def paid() -> bool:
            return await one_value(stack, "SELECT status FROM payments WHERE id = :i",
                                   i=payment["id"]) == "succeeded"

        for _ in range(400):
            if await paid():
                break
            await asyncio.sleep(0.05)
        assert await paid()


async def test_a_callback_left_to_any_worker_wakes_the_listening_workers(postgres_url,
                                                                        postgres_engine):
    wake = InboxWake(postgres_url)
    await wake.start()
    try:
        woken = asyncio.create_task(wake.wait(timeout_s=3600))
        await asyncio.sleep(0)  # the waiter is in place
        held = InboxItem(id="cbk_held", dedupe_key="held", paylink_id="pl_1", raw_body=b"{}",
                         headers={}, received_at=T0, next_attempt_at=T0 + timedelta(minutes=1))
        left = InboxItem(id="cbk_left", dedupe_key="left", paylink_id="pl_2", raw_body=b"{}",
                         headers={}, received_at=T0, next_attempt_at=T0)
        intake = SqlCallbackIntake(postgres_engine)
        assert await intake.accept(held)  # held by its receiver: nobody is woken for it
        assert await intake.accept(left)
        await wait_until(woken.done, 10, "the wake-up")
    finally:
        await wake.close()
