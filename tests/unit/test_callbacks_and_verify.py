from datetime import timedelta

import pytest

from domain.classification import ClassifiedFailure
from domain.enrollment import EnrollmentStatus
from domain.gateway_report import GatewayStatus
from domain.money import Money
from domain.payment import PaymentStatus
from tests.support.world import student

pytestmark = pytest.mark.unit


async def paid_checkout(world, status=GatewayStatus.SUCCESS):
    enrollment = await world.enrollment()
    payment = await world.checkout(enrollment)
    world.gateway.settle(payment.paylink_id, status)
    return enrollment, payment


async def test_a_confirmed_success_callback_activates_once(world):
    enrollment, payment = await paid_checkout(world)
    body, headers = world.gateway.signed_callback(payment.paylink_id)
    receipts = [await world.handle_callback(headers, body) for _ in range(5)]
    assert [r.duplicate for r in receipts] == [False, True, True, True, True]
    assert world.enrollment_row(enrollment.id).status is EnrollmentStatus.ACTIVE
    assert world.event_names().count("EnrollmentActivated") == 1
    assert world.payment_row(payment.id).status is PaymentStatus.SUCCEEDED


async def test_a_forged_callback_is_refused_and_recorded(world):
    _, payment = await paid_checkout(world)
    body, _ = world.gateway.signed_callback(payment.paylink_id)
    with pytest.raises(ClassifiedFailure) as refused:
        await world.handle_callback({"ik-sign": "0" * 64}, body)
    assert refused.value.code == "invalid_signature"
    assert world.payment_row(payment.id).status is PaymentStatus.PENDING
    assert [a.action for a in world.store.audit if a.entity == "webhook"] == ["callback_rejected"]


async def test_a_gateway_lagging_behind_its_callback_is_rechecked_not_held(world):
    enrollment, payment = await paid_checkout(world, GatewayStatus.PENDING)
    body, headers = world.gateway.signed_callback(payment.paylink_id, status="SUCCESS")
    receipt = await world.handle_callback(headers, body)
    assert receipt.outcome == "unconfirmed"
    row = world.payment_row(payment.id)
    assert row.status is PaymentStatus.PENDING and row.review_reason is None
    assert row.recheck_at == world.clock.now() + timedelta(seconds=5)
    assert world.enrollment_row(enrollment.id).status is EnrollmentStatus.PENDING_PAYMENT


async def test_the_checker_unlocks_once_the_lagging_gateway_catches_up(world):
    enrollment, payment = await paid_checkout(world, GatewayStatus.PENDING)
    body, headers = world.gateway.signed_callback(payment.paylink_id, status="SUCCESS")
    await world.handle_callback(headers, body)
    world.clock.advance(seconds=5)
    await world.check_pending()  # still lagging: asked again later, still not held
    row = world.payment_row(payment.id)
    assert row.review_reason is None and row.recheck_at == world.clock.now() + timedelta(
        seconds=15)
    world.gateway.settle(payment.paylink_id, GatewayStatus.SUCCESS)
    world.clock.advance(seconds=15)
    run = await world.check_pending()
    assert run.changed == 1
    assert world.payment_row(payment.id).status is PaymentStatus.SUCCEEDED
    assert world.enrollment_row(enrollment.id).status is EnrollmentStatus.ACTIVE


async def test_a_success_without_an_amount_is_not_a_confirmation(world):
    enrollment, payment = await paid_checkout(world)
    world.gateway.settle(payment.paylink_id, GatewayStatus.SUCCESS, amount_known=False)
    body, headers = world.gateway.signed_callback(payment.paylink_id)
    await world.handle_callback(headers, body)
    row = world.payment_row(payment.id)
    assert row.status is PaymentStatus.PENDING and row.review_reason is None
    for delay in (5, 15, 45):  # the checker's fast lane asks again, then gives up
        world.clock.advance(seconds=delay)
        await world.check_pending()
    row = world.payment_row(payment.id)
    assert row.status is PaymentStatus.PENDING and row.review_reason == "amount_unconfirmed"
    assert world.enrollment_row(enrollment.id).status is EnrollmentStatus.PENDING_PAYMENT


async def test_a_different_amount_at_the_gateway_is_flagged(world):
    enrollment, payment = await paid_checkout(world)
    world.gateway.settle(payment.paylink_id, GatewayStatus.SUCCESS, Money(100, "ZAR"))
    body, headers = world.gateway.signed_callback(payment.paylink_id)
    await world.handle_callback(headers, body)
    row = world.payment_row(payment.id)
    assert row.review_reason == "amount_mismatch" and row.status is PaymentStatus.PENDING
    assert world.enrollment_row(enrollment.id).status is EnrollmentStatus.PENDING_PAYMENT
    assert "PaymentFlaggedForReview" in [a.action for a in world.store.audit]


async def test_a_callback_for_an_unknown_paylink_is_kept_as_an_orphan(world):
    world.gateway.paylinks.clear()
    body, headers = world.gateway.signed_callback("nosuchpaylink01", status="SUCCESS",
                                                  external_transaction_id="pay_x")
    receipt = await world.handle_callback(headers, body)
    assert receipt.outcome == "orphan"
    (item,) = world.store.inbox.values()
    assert item.status == "orphan" and item.headers["ik-sign"] == "***"


async def test_a_gateway_outage_during_confirmation_keeps_the_callback_for_later(world):
    _, payment = await paid_checkout(world)
    world.gateway.fail_next("get_status", TimeoutError())
    body, headers = world.gateway.signed_callback(payment.paylink_id)
    receipt = await world.handle_callback(headers, body)
    assert receipt.outcome == "retry_later"
    (item,) = world.store.inbox.values()
    assert item.status == "failed" and item.last_error == "gateway_timeout"
    assert world.payment_row(payment.id).status is PaymentStatus.PENDING


async def test_failure_then_late_success_is_an_anomaly_for_an_admin(world):
    enrollment, payment = await paid_checkout(world, GatewayStatus.FAILURE)
    await world.verify_payment(student(), payment.id)
    world.gateway.settle(payment.paylink_id, GatewayStatus.SUCCESS)
    await world.verify_payment(student(), payment.id)
    row = world.payment_row(payment.id)
    assert row.status is PaymentStatus.FAILED and row.review_reason == "paid_after_failed"
    assert world.enrollment_row(enrollment.id).status is EnrollmentStatus.PENDING_PAYMENT


async def test_verify_and_callback_share_one_path_and_audit_each_change_once(world):
    enrollment, payment = await paid_checkout(world)
    await world.verify_payment(student(), payment.id)
    body, headers = world.gateway.signed_callback(payment.paylink_id)
    await world.handle_callback(headers, body)
    await world.verify_payment(student(), payment.id)
    transitions = [(a.entity, a.to_status) for a in world.store.audit
                   if a.entity_id in (payment.id, enrollment.id)]
    assert transitions.count(("payment", "succeeded")) == 1
    assert transitions.count(("enrollment", "active")) == 1


async def test_declined_payment_leaves_the_course_locked(world):
    enrollment, payment = await paid_checkout(world, GatewayStatus.FAILURE)
    verified = await world.verify_payment(student(), payment.id)
    assert verified.status is PaymentStatus.FAILED
    assert world.enrollment_row(enrollment.id).status is EnrollmentStatus.PENDING_PAYMENT
    assert "PaymentFailed" in world.event_names()
