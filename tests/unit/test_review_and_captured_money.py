"""Held payments are resolved by an admin, and money the gateway took is never stuck.

Covers the review resolution (reverify, accept, reject; audited, admin only), money
paid after we closed a payment (refundable, and no new paylink meanwhile), and one
purchase per course.
"""

from __future__ import annotations

import pytest

from application.errors import AlreadyEnrolled
from application.use_cases.request_refund import RequestRefund, RequestRefundCommand
from application.use_cases.resolve_review import (
    ResolveReview,
    ResolveReviewCommand,
    ReviewAction,
)
from domain.classification import ClassifiedFailure
from domain.enrollment import EnrollmentStatus
from domain.errors import IllegalTransition
from domain.gateway_report import GatewayStatus
from domain.money import Money
from domain.payment import PaymentStatus
from tests.support.world import ADMIN, student

pytestmark = pytest.mark.unit


@pytest.fixture
def resolve(world):
    return ResolveReview(world.tx, world.verify_payment, world.apply_report,
                         world.clock)


async def held_for_amount(world, reported=49800):
    enrollment = await world.enrollment()
    payment = await world.checkout(enrollment)
    world.gateway.settle(payment.paylink_id, GatewayStatus.SUCCESS, Money(reported, "ZAR"))
    await world.verify_payment(student(), payment.id)
    assert world.payment_row(payment.id).review_reason == "amount_mismatch"
    return enrollment, payment


def audit_actions(world, payment_id):
    return [(a.action, a.actor, a.reason) for a in world.store.audit
            if a.entity_id == payment_id]


async def test_another_amount_never_unlocks_and_records_what_was_captured(world):
    enrollment, payment = await held_for_amount(world)
    row = world.payment_row(payment.id)
    assert row.status is PaymentStatus.PENDING and row.captured_minor == 49800
    assert world.enrollment_row(enrollment.id).status is EnrollmentStatus.PENDING_PAYMENT


async def test_an_admin_accepts_a_held_payment_with_a_reason(world, resolve):
    enrollment, payment = await held_for_amount(world)
    done = await resolve(ResolveReviewCommand(ADMIN, payment.id, ReviewAction.ACCEPT,
                                              "R1 short: bank fee, agreed with the student"))
    assert done.status is PaymentStatus.SUCCEEDED and done.review_reason is None
    assert world.enrollment_row(enrollment.id).status is EnrollmentStatus.ACTIVE
    assert ("review_accepted", "admin:admin-1",
            "amount_mismatch: R1 short: bank fee, agreed with the student") \
        in audit_actions(world, payment.id)
    assert world.payment_row(payment.id).refundable == Money(49800, "ZAR")


async def test_a_student_may_not_resolve_a_review(world, resolve):
    _, payment = await held_for_amount(world)
    with pytest.raises(ClassifiedFailure) as refused:
        await resolve(ResolveReviewCommand(student(), payment.id, ReviewAction.ACCEPT, "mine"))
    assert refused.value.code == "forbidden"
    assert world.payment_row(payment.id).review_reason == "amount_mismatch"


async def test_a_resolution_needs_a_reason(world, resolve):
    _, payment = await held_for_amount(world)
    with pytest.raises(ClassifiedFailure) as refused:
        await resolve(ResolveReviewCommand(ADMIN, payment.id, ReviewAction.ACCEPT, "  "))
    assert refused.value.code == "reason_required"


async def test_reverify_applies_the_gateway_once_it_agrees(world, resolve):
    enrollment, payment = await held_for_amount(world)
    still = await resolve(ResolveReviewCommand(ADMIN, payment.id, ReviewAction.REVERIFY,
                                               "asked iKhokha to correct the amount"))
    assert still.review_reason == "amount_mismatch"
    assert ("review_reverify_still_held", "admin:admin-1") in [
        a[:2] for a in audit_actions(world, payment.id)]
    world.gateway.settle(payment.paylink_id, GatewayStatus.SUCCESS, Money(49900, "ZAR"))
    done = await resolve(ResolveReviewCommand(ADMIN, payment.id, ReviewAction.REVERIFY,
                                              "iKhokha corrected the amount"))
    assert done.status is PaymentStatus.SUCCEEDED and done.review_reason is None
    assert world.enrollment_row(enrollment.id).status is EnrollmentStatus.ACTIVE


async def test_reject_is_refused_while_captured_money_is_not_refunded(world, resolve):
    _, payment = await held_for_amount(world)
    with pytest.raises(IllegalTransition) as refused:
        await resolve(ResolveReviewCommand(ADMIN, payment.id, ReviewAction.REJECT, "no"))
    assert refused.value.code == "captured_money_unresolved"


async def test_reject_closes_a_held_payment_that_took_no_money(world, resolve):
    enrollment = await world.enrollment()
    payment = await world.checkout(enrollment)
    world.gateway.settle(payment.paylink_id, GatewayStatus.SUCCESS, amount_known=False)
    for delay in (0, 5, 15, 45):
        world.clock.advance(seconds=delay)
        await world.check_pending() if delay else await world.verify_payment(
            student(), payment.id)
    assert world.payment_row(payment.id).review_reason == "amount_unconfirmed"
    done = await resolve(ResolveReviewCommand(ADMIN, payment.id, ReviewAction.REJECT,
                                              "dashboard shows no money taken"))
    assert done.status is PaymentStatus.FAILED and done.review_reason is None
    again = await world.checkout(enrollment, key="checkout-key-000002")
    assert again.id != payment.id and again.status is PaymentStatus.PENDING


async def test_money_paid_after_we_closed_the_payment_is_refundable_and_blocks_new_paylinks(
        world):
    enrollment = await world.enrollment()
    payment = await world.checkout(enrollment)
    world.gateway.settle(payment.paylink_id, GatewayStatus.FAILURE)
    await world.verify_payment(student(), payment.id)
    world.gateway.settle(payment.paylink_id, GatewayStatus.SUCCESS)
    await world.verify_payment(student(), payment.id)
    row = world.payment_row(payment.id)
    assert row.review_reason == "paid_after_failed" and row.captured_minor == 49900
    with pytest.raises(ClassifiedFailure) as refused:
        await world.checkout(enrollment, key="checkout-key-000002")
    assert refused.value.code == "payment_under_review"

    refunds = RequestRefund(world.tx, world.gateway, world.clock, world.ids)
    refund = await refunds(RequestRefundCommand(ADMIN, payment.id, "paid after it failed"))
    row = world.payment_row(payment.id)
    assert refund.amount == Money(49900, "ZAR") and row.status is PaymentStatus.REFUNDED
    assert row.review_reason is None  # refunding it in full resolved the review
    assert world.enrollment_row(enrollment.id).status is EnrollmentStatus.PENDING_PAYMENT
    again = await world.checkout(enrollment, key="checkout-key-000003")
    assert again.id != payment.id


async def test_a_second_enrollment_for_a_held_course_names_the_first(world):
    first = await world.enrollment(course_id="python-101")
    with pytest.raises(AlreadyEnrolled) as refused:
        await world.enrollment(course_id="python-101")
    assert refused.value.extra == {"enrollment_id": first.id}
    other = await world.enrollment(student_id="stu-2", course_id="python-101")
    assert other.id != first.id


async def test_an_open_checkout_is_resumed_not_duplicated(world):
    enrollment = await world.enrollment()
    first = await world.checkout(enrollment, key="checkout-key-000001")
    again = await world.checkout(enrollment, key="checkout-key-000002")
    assert again.id == first.id and again.checkout_url == first.checkout_url
    assert world.gateway.calls.count("create_paylink") == 1


async def test_an_expired_open_checkout_is_closed_and_replaced(world):
    enrollment = await world.enrollment()
    first = await world.checkout(enrollment, key="checkout-key-000001")
    world.clock.advance(hours=25)
    again = await world.checkout(enrollment, key="checkout-key-000002")
    assert again.id != first.id
    assert world.payment_row(first.id).status is PaymentStatus.EXPIRED
