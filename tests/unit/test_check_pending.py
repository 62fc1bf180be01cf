import pytest

from domain.enrollment import EnrollmentStatus
from domain.gateway_report import GatewayStatus
from domain.payment import PaymentStatus

pytestmark = pytest.mark.unit


async def test_a_paid_payment_whose_callback_never_came_is_unlocked(world):
    enrollment = await world.enrollment()
    payment = await world.checkout(enrollment)
    world.gateway.settle(payment.paylink_id, GatewayStatus.SUCCESS)
    assert (await world.check_pending()).checked == 0  # too young: the callback may come
    world.clock.advance(minutes=3)
    run = await world.check_pending()
    assert (run.checked, run.changed) == (1, 1)
    assert world.enrollment_row(enrollment.id).status is EnrollmentStatus.ACTIVE
    audit = [a for a in world.store.audit if a.to_status == "succeeded"]
    assert [a.actor for a in audit] == ["system:checker"]


async def test_checks_back_off_on_a_growing_schedule(world):
    payment = await world.checkout(await world.enrollment())
    world.clock.advance(minutes=3)
    calls = []
    for _ in range(12):  # one pass per 30 s for 6 minutes
        before = world.gateway.calls.count("get_status")
        await world.check_pending()
        calls.append(world.gateway.calls.count("get_status") - before)
        world.clock.advance(seconds=30)
    # checked at 0 s, then 1 min later, then 2 min after that: intervals double
    assert calls == [1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    assert world.payment_row(payment.id).status is PaymentStatus.PENDING


async def test_unpaid_links_past_their_lifetime_expire_and_paid_ones_do_not(world):
    unpaid = await world.checkout(await world.enrollment(student_id="stu-1"))
    paid = await world.checkout(await world.enrollment(student_id="stu-2"),
                                key="checkout-key-000002")
    world.clock.advance(hours=25)
    world.gateway.settle(paid.paylink_id, GatewayStatus.SUCCESS)
    run = await world.check_pending()
    assert (run.expired, run.changed) == (1, 1)
    assert world.payment_row(unpaid.id).status is PaymentStatus.EXPIRED
    assert world.payment_row(paid.id).status is PaymentStatus.SUCCEEDED
    assert "PaymentExpired" in world.event_names()


async def test_a_gateway_outage_only_delays_the_check(world):
    enrollment = await world.enrollment()
    payment = await world.checkout(enrollment)
    world.gateway.settle(payment.paylink_id, GatewayStatus.SUCCESS)
    world.clock.advance(minutes=3)
    world.gateway.fail_next("get_status", TimeoutError())
    assert (await world.check_pending()).failed == 1
    world.clock.advance(minutes=1)
    await world.check_pending()
    assert world.enrollment_row(enrollment.id).status is EnrollmentStatus.ACTIVE


async def test_payments_held_for_review_are_left_to_an_admin(world):
    from domain.money import Money

    payment = await world.checkout(await world.enrollment())
    world.gateway.settle(payment.paylink_id, GatewayStatus.SUCCESS, Money(1, "ZAR"))
    world.clock.advance(minutes=3)
    await world.check_pending()
    assert world.payment_row(payment.id).review_reason == "amount_mismatch"
    world.clock.advance(hours=30)
    before = world.gateway.calls.count("get_status")
    await world.check_pending()
    assert world.gateway.calls.count("get_status") == before
    assert world.payment_row(payment.id).status is PaymentStatus.PENDING
