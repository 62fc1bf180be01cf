import pytest

from application.errors import Forbidden, InvalidInput, NotFound
from application.use_cases.enrollments import CreateEnrollmentCommand
from application.use_cases.start_payment import StartPaymentCommand
from domain.classification import ClassifiedFailure
from domain.errors import EnrollmentNotPayable
from domain.gateway_report import GatewayStatus
from domain.money import Money
from domain.payment import PaymentStatus
from tests.support.world import SERVICE, student

pytestmark = pytest.mark.unit


async def test_checkout_takes_the_amount_from_the_enrollment(world):
    enrollment = await world.enrollment(amount=49900)
    payment = await world.checkout(enrollment)
    assert payment.status is PaymentStatus.PENDING
    assert payment.amount == Money(49900, "ZAR")
    link = world.gateway.paylinks[payment.paylink_id]
    assert link.request.amount == Money(49900, "ZAR")
    assert link.request.payment_id == payment.id
    assert link.request.callback_url == "https://pay.example.test/webhooks/ikhokha"


async def test_same_key_gives_the_same_payment_and_one_paylink(world):
    enrollment = await world.enrollment()
    first = await world.checkout(enrollment, "key-aaaaaaaaaaaaaaaa")
    again = await world.checkout(enrollment, "key-aaaaaaaaaaaaaaaa")
    assert again.id == first.id
    assert len(world.store.payments) == 1 and len(world.gateway.paylinks) == 1


async def test_a_second_key_reuses_the_checkout_in_progress(world):
    enrollment = await world.enrollment()
    first = await world.checkout(enrollment, "key-aaaaaaaaaaaaaaaa")
    other = await world.checkout(enrollment, "key-bbbbbbbbbbbbbbbb")
    assert other.id == first.id
    assert len(world.gateway.paylinks) == 1


async def test_a_gateway_timeout_leaves_a_payment_that_a_retry_completes(world):
    enrollment = await world.enrollment()
    world.gateway.fail_next("create_paylink", TimeoutError())
    with pytest.raises(ClassifiedFailure) as timed_out:  # as the iK Pay adapter reports it
        await world.checkout(enrollment)
    assert timed_out.value.code == "gateway_timeout"
    (created,) = world.store.payments.values()
    assert created.status is PaymentStatus.CREATED
    payment = await world.checkout(enrollment)
    assert payment.id == created.id and payment.status is PaymentStatus.PENDING
    assert len(world.store.payments) == 1 and len(world.gateway.paylinks) == 1


async def test_a_permanent_gateway_refusal_fails_the_payment(world):
    enrollment = await world.enrollment()
    world.gateway.fail_next("create_paylink", ClassifiedFailure("gateway_auth_failed"))
    with pytest.raises(ClassifiedFailure):
        await world.checkout(enrollment)
    (failed,) = world.store.payments.values()
    assert failed.status is PaymentStatus.FAILED and failed.failure_code == "gateway_auth_failed"


async def test_another_students_enrollment_looks_missing(world):
    enrollment = await world.enrollment(student_id="stu-1")
    with pytest.raises(NotFound):
        await world.start_payment(StartPaymentCommand(student("stu-2"), enrollment.id,
                                                      "key-aaaaaaaaaaaaaaaa"))


async def test_services_cannot_start_checkout(world):
    enrollment = await world.enrollment()
    with pytest.raises(Forbidden):
        await world.start_payment(StartPaymentCommand(SERVICE, enrollment.id,
                                                      "key-aaaaaaaaaaaaaaaa"))


async def test_an_active_enrollment_cannot_be_paid_again(world):
    enrollment = await world.enrollment()
    payment = await world.checkout(enrollment)
    world.gateway.settle(payment.paylink_id, GatewayStatus.SUCCESS)
    await world.verify_payment(student(), payment.id)
    with pytest.raises(EnrollmentNotPayable):
        await world.checkout(enrollment, "key-cccccccccccccccc")


async def test_only_rand_is_accepted(world):
    with pytest.raises(InvalidInput) as refused:
        await world.create_enrollment(CreateEnrollmentCommand(
            SERVICE, "stu-1", "c", Money(100, "USD")))
    assert refused.value.code == "unsupported_currency"


async def test_students_cannot_create_enrollments(world):
    with pytest.raises(Forbidden):
        await world.create_enrollment(CreateEnrollmentCommand(
            student(), "stu-1", "c", Money(100, "ZAR")))
