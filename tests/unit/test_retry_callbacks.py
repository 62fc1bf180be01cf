"""Callbacks whose processing failed are retried with growing pauses; refusals by an open
circuit do not count; after the last attempt the checker takes the payment at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from itertools import pairwise

import pytest

from application.use_cases.retry_callbacks import MAX_ATTEMPTS, RetryCallbacks, due_at
from domain.classification import ClassifiedFailure
from domain.gateway_report import GatewayStatus
from domain.payment import PaymentStatus

pytestmark = pytest.mark.unit


async def failed_callback(world, failure_code="gateway_timeout"):
    enrollment = await world.enrollment()
    payment = await world.checkout(enrollment)
    world.gateway.settle(payment.paylink_id, GatewayStatus.SUCCESS)
    body, headers = world.gateway.signed_callback(payment.paylink_id)
    world.gateway.fail_next("get_status", ClassifiedFailure(failure_code), times=1000)
    receipt = await world.handle_callback(headers, body)
    assert receipt.outcome == "retry_later"
    return payment, world.store.inbox[receipt.inbox_id]


def attempts(world, inbox_id):
    return world.store.inbox[inbox_id].attempts


async def test_retries_back_off_exponentially(world):
    _, item = await failed_callback(world)
    retry = RetryCallbacks(world.tx, world.handle_callback, world.clock)
    assert attempts(world, item.id) == 1
    calls = []
    for _ in range(120):  # two minutes, one worker tick a second
        world.clock.advance(seconds=1)
        before = attempts(world, item.id)
        await retry()
        if attempts(world, item.id) > before:
            calls.append(world.clock.now() - item.received_at)
    gaps = [b - a for a, b in pairwise(calls)]
    assert len(calls) >= 3 and all(later > earlier for earlier, later in pairwise(gaps))
    assert due_at(world.store.inbox[item.id]) > world.clock.now()


async def test_an_open_circuit_does_not_burn_attempts(world):
    _, item = await failed_callback(world, "gateway_circuit_open")
    retry = RetryCallbacks(world.tx, world.handle_callback, world.clock)
    for _ in range(60):
        world.clock.advance(seconds=10)
        await retry()
    assert attempts(world, item.id) == 0
    assert world.store.inbox[item.id].status == "received"


async def test_a_callback_given_up_puts_its_payment_on_the_fast_lane(world):
    payment, item = await failed_callback(world)
    world.store.inbox[item.id] = replace(item, attempts=MAX_ATTEMPTS, status="failed",
                                         next_attempt_at=world.clock.now())  # due now
    retry = RetryCallbacks(world.tx, world.handle_callback, world.clock)
    await retry()
    assert world.store.inbox[item.id].status == "gave_up"
    row = world.payment_row(payment.id)
    assert row.recheck_at == world.clock.now() + timedelta(seconds=5)
    world.gateway.clear_failures()
    world.clock.advance(seconds=5)
    await world.check_pending()
    assert world.payment_row(payment.id).status is PaymentStatus.SUCCEEDED
