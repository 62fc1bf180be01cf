"""Shared step definitions for features/*.feature, driven on use-cases and fakes.

pytest-bdd steps are synchronous; async use-cases run through one asyncio.Runner per
scenario (an `async def` step would silently never run)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from application.student_messages import student_message
from domain.classification import classify
from domain.enrollment import Enrollment, EnrollmentStatus
from domain.gateway_report import GatewayStatus
from domain.money import Money
from domain.payment import Payment, PaymentStatus
from tests.support.world import World

DECLINES = {"bank declines the card": "payment_declined",
            "card has insufficient funds": "insufficient_funds"}


@dataclass
class Scenario:
    world: World
    runner: asyncio.Runner
    students: dict[str, str] = field(default_factory=dict)
    enrollment: Enrollment | None = None
    payment: Payment | None = None
    failure: BaseException | None = None

    def run(self, coro: Any) -> Any:
        return self.runner.run(coro)

    def current_payment(self) -> Payment:
        assert self.payment is not None, "no checkout was started"
        return self.world.payment_row(self.payment.id)


@pytest.fixture
def scenario() -> Iterator[Scenario]:
    with asyncio.Runner() as runner:
        yield Scenario(World(), runner)


def rand(text: str) -> Money:
    whole, _, cents = text.removeprefix("R").partition(".")
    return Money(int(whole) * 100 + int(cents or 0), "ZAR")


@given(parsers.parse('a course "{course}" priced at {price} that student "{name}" has chosen'))
def course_chosen(scenario: Scenario, course: str, price: str, name: str) -> None:
    scenario.students[name] = f"student-{name.lower()}"
    money = rand(price)
    scenario.enrollment = scenario.run(scenario.world.enrollment(
        student_id=scenario.students[name], amount=money.amount_minor, course_id=course))


@when(parsers.parse("{name} starts the checkout"))
@when(parsers.parse("{name} starts the checkout again with the same request"))
def start_checkout(scenario: Scenario, name: str) -> None:
    assert scenario.enrollment is not None
    scenario.failure = None
    try:
        scenario.payment = scenario.run(scenario.world.checkout(scenario.enrollment))
    except Exception as failure:  # the Then steps say what the student was told
        scenario.failure = failure


@then(parsers.parse("{name} is sent to the payment page for {price}"))
def sent_to_payment_page(scenario: Scenario, name: str, price: str) -> None:
    payment = scenario.current_payment()
    assert payment.checkout_url and payment.status is PaymentStatus.PENDING
    link = scenario.world.gateway.paylinks[payment.paylink_id or ""]
    assert link.request.amount == rand(price)


@when(parsers.parse("{name} pays successfully on the payment page"))
def pays(scenario: Scenario, name: str) -> None:
    scenario.world.gateway.settle(scenario.current_payment().paylink_id or "",
                                  GatewayStatus.SUCCESS)


@when(parsers.re(r"(?P<name>\w+)'s (?P<what>bank declines the card|card has insufficient "
                 r"funds) on the payment page"))
def bank_declines(scenario: Scenario, name: str, what: str) -> None:
    scenario.world.gateway.settle(scenario.current_payment().paylink_id or "",
                                  GatewayStatus.FAILURE, failure_code=DECLINES[what])


@when(parsers.re(r"the payment provider tells us the payment (?P<what>went through|failed)"
                 r"(?: (?P<times>\d+) times)?"))
def provider_tells_us(scenario: Scenario, what: str, times: str | None) -> None:
    link = scenario.current_payment().paylink_id or ""
    status = "SUCCESS" if what == "went through" else "FAILURE"
    body, headers = scenario.world.gateway.signed_callback(link, status=status)
    for _ in range(int(times or 1)):
        scenario.run(scenario.world.handle_callback(headers, body))


@then(parsers.parse("the payment is marked as {status}"))
def payment_status(scenario: Scenario, status: str) -> None:
    assert scenario.current_payment().status.value == status


@then(parsers.parse('the course "{course}" is unlocked for {name}'))
def course_unlocked(scenario: Scenario, course: str, name: str) -> None:
    assert scenario.enrollment is not None
    row = scenario.world.enrollment_row(scenario.enrollment.id)
    assert row.course_id == course and row.status is EnrollmentStatus.ACTIVE


@then(parsers.parse('the course "{course}" is still locked for {name}'))
def course_locked(scenario: Scenario, course: str, name: str) -> None:
    assert scenario.enrollment is not None
    row = scenario.world.enrollment_row(scenario.enrollment.id)
    assert row.course_id == course and row.status is EnrollmentStatus.PENDING_PAYMENT


@then(parsers.parse("{name} is told the payment succeeded"))
def told_success(scenario: Scenario, name: str) -> None:
    student = scenario.students[name]
    told = [e.name for e in scenario.world.notifier.sent if e.student_id == student]
    assert "PaymentSucceeded" in told and "EnrollmentActivated" in told


@then(parsers.parse('{name} is told "{message}"'))
def told_message(scenario: Scenario, name: str, message: str) -> None:
    assert student_message(scenario.current_payment()) == message


@then("there is exactly one payment and one payment link for the course")
def one_payment(scenario: Scenario) -> None:
    assert len(scenario.world.store.payments) == 1
    assert len(scenario.world.gateway.paylinks) == 1


@then("the course was unlocked exactly once")
def unlocked_once(scenario: Scenario) -> None:
    assert scenario.world.notifier.names().count("EnrollmentActivated") == 1


@given("the payment provider does not answer in time once")
def provider_times_out_once(scenario: Scenario) -> None:
    scenario.world.gateway.fail_next("create_paylink", TimeoutError())


@given("the payment provider is down")
def provider_down(scenario: Scenario) -> None:
    scenario.world.gateway.fail_next("create_paylink", ConnectionRefusedError(), times=100)


@then(parsers.parse("{name} is asked to try again in a minute"))
def asked_to_retry(scenario: Scenario, name: str) -> None:
    assert scenario.failure is not None, "the checkout did not fail"
    told = classify(scenario.failure)
    assert told.retryable and "try again in a minute" in told.user_message


@then("no payment page was handed out yet")
def no_payment_page(scenario: Scenario) -> None:
    assert scenario.world.gateway.paylinks == {}
    assert all(p.checkout_url is None for p in scenario.world.store.payments.values())
