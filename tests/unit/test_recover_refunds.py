"""A refund cut off between its two transactions (a crash) does not hold its reservation
for ever: after a lease it needs manual action, and an operator confirms or cancels it."""

from __future__ import annotations

import pytest

from application.use_cases.recover_refunds import RecoverInterruptedRefunds
from application.use_cases.refund_queries import CancelRefund
from application.use_cases.request_refund import RequestRefund, RequestRefundCommand
from domain.gateway_report import GatewayStatus
from domain.money import Money
from domain.refund import RefundStatus
from tests.support.world import ADMIN, student

pytestmark = pytest.mark.unit


class Killed(BaseException):
    """Stands for kill -9 right after the reservation was committed."""


async def paid(world):
    enrollment = await world.enrollment()
    payment = await world.checkout(enrollment)
    world.gateway.settle(payment.paylink_id, GatewayStatus.SUCCESS)
    await world.verify_payment(student(), payment.id)
    return payment


async def interrupted_refund(world, payment, amount=10_000):
    world.gateway.fail_next("refund", Killed())
    refunds = RequestRefund(world.tx, world.gateway, world.clock, world.ids)
    with pytest.raises(Killed):
        await refunds(RequestRefundCommand(ADMIN, payment.id, "student asked", amount,
                                           "refund-key-00000001"))
    [refund] = world.store.refunds.values()
    assert refund.status is RefundStatus.PENDING
    return refund


async def test_a_refund_cut_off_needs_manual_action_after_the_lease(world):
    payment = await paid(world)
    refund = await interrupted_refund(world, payment)
    recover = RecoverInterruptedRefunds(world.tx, world.clock)
    assert await recover() == 0  # within the lease: maybe still in flight
    world.clock.advance(minutes=6)
    assert await recover() == 1
    assert world.store.refunds[refund.id].status is RefundStatus.MANUAL_ACTION_REQUIRED
    assert world.payment_row(payment.id).reserved_minor == 10_000  # held by that refund
    assert await recover() == 0


async def test_an_operator_cancels_a_refund_never_made_and_the_money_is_free_again(world):
    payment = await paid(world)
    refund = await interrupted_refund(world, payment)
    world.clock.advance(minutes=6)
    await RecoverInterruptedRefunds(world.tx, world.clock)()
    cancelled = await CancelRefund(world.tx, world.clock)(ADMIN, refund.id,
                                                         "not in the iKhokha dashboard")
    assert cancelled.status is RefundStatus.FAILED
    row = world.payment_row(payment.id)
    assert row.reserved_minor == 0 and row.refundable == Money(49_900, "ZAR")
