"""Refund use-cases on fakes: reserve, gateway answer, manual confirmation, access."""

from __future__ import annotations

import pytest

from application.actor import Actor, Role
from application.errors import Forbidden, NotFound
from domain.classification import ClassifiedFailure, classify
from domain.enrollment import EnrollmentStatus
from domain.errors import DomainError
from domain.payment import PaymentStatus
from domain.refund import RefundStatus
from tests.support.money_back import MoneyBackWorld
from tests.support.world import ADMIN, student

pytestmark = pytest.mark.unit


@pytest.fixture
def world() -> MoneyBackWorld:
    return MoneyBackWorld()


async def test_a_partial_refund_counts_at_once_and_keeps_access(world):
    enrollment, paid = await world.paid(amount=49900)
    refund = await world.refund(paid.id, 10000, "one module missing")
    assert refund.status is RefundStatus.SUCCEEDED and refund.gateway_reference
    payment = world.payment_row(paid.id)
    assert payment.status is PaymentStatus.PARTIALLY_REFUNDED
    assert (payment.refunded_minor, payment.reserved_minor) == (10000, 0)
    assert world.enrollment_row(enrollment.id).status is EnrollmentStatus.ACTIVE
    assert world.gateway.refunds[0][1].amount_minor == 10000


async def test_the_default_amount_is_the_rest_and_a_full_refund_revokes_access(world):
    enrollment, paid = await world.paid(amount=49900)
    await world.refund(paid.id, 9900)
    rest = await world.refund(paid.id)
    assert rest.amount.amount_minor == 40000
    assert world.payment_row(paid.id).status is PaymentStatus.REFUNDED
    row = world.enrollment_row(enrollment.id)
    assert row.status is EnrollmentStatus.REVOKED and "refunded in full" in row.revoked_reason
    names = world.event_names()
    assert names.count("RefundRequested") == 2 and names.count("RefundIssued") == 2
    assert "EnrollmentRevoked" in names


async def test_an_over_refund_is_refused_and_reserves_nothing(world):
    _, paid = await world.paid(amount=10000)
    await world.refund(paid.id, 6000)
    with pytest.raises(DomainError) as refused:
        await world.refund(paid.id, 4001)
    assert classify(refused.value).code == "refund_exceeds_captured"
    assert classify(refused.value).http_status == 422
    assert world.payment_row(paid.id).reserved_minor == 0
    assert len(world.store.refunds) == 1


async def test_an_unpaid_payment_cannot_be_refunded(world):
    enrollment = await world.enrollment()
    pending = await world.checkout(enrollment)
    with pytest.raises(DomainError) as refused:
        await world.refund(pending.id, 100)
    assert classify(refused.value).code == "payment_not_refundable"


async def test_a_manual_refund_reserves_until_confirmed_then_counts_once(world):
    world.gateway.can_refund = False
    enrollment, paid = await world.paid(amount=10000)
    refund = await world.refund(paid.id)
    assert refund.status is RefundStatus.MANUAL_ACTION_REQUIRED
    payment = world.payment_row(paid.id)
    assert (payment.refunded_minor, payment.reserved_minor) == (0, 10000)
    assert payment.status is PaymentStatus.SUCCEEDED
    assert world.enrollment_row(enrollment.id).status is EnrollmentStatus.ACTIVE
    with pytest.raises(DomainError):
        await world.refund(paid.id, 1)  # everything is reserved

    confirmed = await world.confirm_refund(ADMIN, refund.id, "IKH-DASH-42")
    again = await world.confirm_refund(ADMIN, refund.id, "IKH-DASH-42")
    assert confirmed.status is again.status is RefundStatus.SUCCEEDED
    assert confirmed.gateway_reference == "IKH-DASH-42"
    payment = world.payment_row(paid.id)
    assert (payment.refunded_minor, payment.reserved_minor) == (10000, 0)
    assert payment.status is PaymentStatus.REFUNDED
    assert world.enrollment_row(enrollment.id).status is EnrollmentStatus.REVOKED
    assert world.event_names().count("RefundIssued") == 1
    assert "RefundNeedsManualAction" in world.event_names()


async def test_confirming_needs_a_reference_and_an_admin(world):
    world.gateway.can_refund = False
    _, paid = await world.paid()
    refund = await world.refund(paid.id)
    with pytest.raises(ClassifiedFailure) as missing:
        await world.confirm_refund(ADMIN, refund.id, "  ")
    assert missing.value.code == "gateway_reference_required"
    with pytest.raises(Forbidden):
        await world.confirm_refund(student("stu-1"), refund.id, "IKH-1")
    with pytest.raises(NotFound):
        await world.confirm_refund(ADMIN, "ref_missing", "IKH-1")


async def test_a_retryable_gateway_failure_keeps_the_reservation_and_the_same_key_finishes(world):
    _, paid = await world.paid(amount=10000)
    world.gateway.fail_next("refund", TimeoutError())
    with pytest.raises(ClassifiedFailure) as timed_out:  # as the iK Pay adapter reports it
        await world.refund(paid.id, 3000, key="refund-key-000000001")
    assert timed_out.value.code == "gateway_timeout"
    pending = list(world.store.refunds.values())
    assert [r.status for r in pending] == [RefundStatus.PENDING]
    assert world.payment_row(paid.id).reserved_minor == 3000

    with pytest.raises(ClassifiedFailure) as other:
        await world.refund(paid.id, 2000, key="refund-key-000000001")
    assert other.value.code == "idempotency_key_reused"
    retried = await world.refund(paid.id, 3000, key="refund-key-000000001")
    assert retried.id == pending[0].id and retried.status is RefundStatus.SUCCEEDED
    payment = world.payment_row(paid.id)
    assert (payment.refunded_minor, payment.reserved_minor) == (3000, 0)
    assert len(world.store.refunds) == 1


async def test_a_final_gateway_refusal_fails_the_refund_and_frees_the_amount(world):
    _, paid = await world.paid(amount=10000)
    world.gateway.fail_next("refund", ClassifiedFailure("gateway_rejected_request"))
    with pytest.raises(ClassifiedFailure):
        await world.refund(paid.id, 3000)
    [failed] = world.store.refunds.values()
    assert failed.status is RefundStatus.FAILED
    assert world.payment_row(paid.id).reserved_minor == 0
    assert "RefundFailed" in world.event_names()


async def test_only_admins_refund_and_owners_read(world):
    _, paid = await world.paid(student_id="stu-1")
    with pytest.raises(Forbidden):
        await world.refund(paid.id, 100, actor=student("stu-1"))
    refund = await world.refund(paid.id, 100)
    assert (await world.get_refund(student("stu-1"), refund.id)).id == refund.id
    with pytest.raises(NotFound):
        await world.get_refund(student("stu-2"), refund.id)
    with pytest.raises(Forbidden):
        await world.get_refund(Actor("svc", Role.SERVICE), refund.id)


async def test_every_refund_step_is_audited(world):
    world.gateway.can_refund = False
    _, paid = await world.paid()
    refund = await world.refund(paid.id, 100, "course moved")
    await world.confirm_refund(ADMIN, refund.id, "IKH-7")
    steps = [(e.action, e.from_status, e.to_status) for e in world.store.audit
             if e.entity_id == refund.id]
    assert steps == [("RefundRequested", None, "pending"),
                     ("RefundNeedsManualAction", "pending", "manual_action_required"),
                     ("RefundIssued", "manual_action_required", "succeeded")]
    assert any(e.action == "PaymentRefunded" and e.reason == "course moved"
               for e in world.store.audit if e.entity_id == paid.id)
