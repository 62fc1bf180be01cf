"""Steps for features/payment_confirmation.feature (on top of tests/bdd/conftest.py)."""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, then, when

from domain.classification import ClassifiedFailure
from domain.gateway_report import GatewayStatus
from tests.bdd.conftest import Scenario, rand, start_checkout


@given(parsers.parse("{name} has started the checkout"))
def has_started(scenario: Scenario, name: str) -> None:
    start_checkout(scenario, name)


@given(parsers.parse("{name} pays successfully on the payment page"))
def given_pays(scenario: Scenario, name: str) -> None:
    scenario.world.gateway.settle(scenario.current_payment().paylink_id or "",
                                  GatewayStatus.SUCCESS)


@given(parsers.parse("the payment provider reports {price} for it"))
def provider_reports_other_amount(scenario: Scenario, price: str) -> None:
    scenario.world.gateway.settle(scenario.current_payment().paylink_id or "",
                                  GatewayStatus.SUCCESS, rand(price))


@when("someone tells us the payment went through but the payment provider still waits for it")
def unconfirmed_success(scenario: Scenario) -> None:
    link = scenario.current_payment().paylink_id or ""
    body, headers = scenario.world.gateway.signed_callback(link, status="SUCCESS")
    scenario.run(scenario.world.handle_callback(headers, body))


@then(parsers.parse('the payment is held for a person to review because "{reason}"'))
def held_for_review(scenario: Scenario, reason: str) -> None:
    assert scenario.current_payment().review_reason == reason
    assert scenario.current_payment().status.value == "pending"


@when(parsers.parse("a forged message says {name}'s payment went through"))
def forged(scenario: Scenario, name: str) -> None:
    link = scenario.current_payment().paylink_id or ""
    body, _ = scenario.world.gateway.signed_callback(link, status="SUCCESS")
    scenario.world.gateway.settle(link, GatewayStatus.SUCCESS)  # even if it were paid
    with pytest.raises(ClassifiedFailure) as refused:
        scenario.run(scenario.world.handle_callback({"ik-sign": "f" * 64}, body))
    scenario.failure = refused.value


@then("the message is refused as not coming from the payment provider")
def refused(scenario: Scenario) -> None:
    assert isinstance(scenario.failure, ClassifiedFailure)
    assert scenario.failure.code == "invalid_signature"


@then("the refusal is written in the security record")
def security_record(scenario: Scenario) -> None:
    entries = [a for a in scenario.world.store.audit if a.entity == "webhook"]
    assert [(a.action, a.reason) for a in entries] == [("callback_rejected",
                                                        "invalid_signature")]


@given("the payment provider's message is lost on the way")
def message_lost(scenario: Scenario) -> None:
    """Nothing to do: no callback is delivered in this scenario."""


@when(parsers.parse("{minutes:d} minutes pass and our checker runs"))
def checker_runs(scenario: Scenario, minutes: int) -> None:
    scenario.world.clock.advance(minutes=minutes)
    scenario.run(scenario.world.check_pending())


@given(parsers.parse("{name} is watching her payment page"))
def watching(scenario: Scenario, name: str) -> None:
    scenario.world.notifier.sent.clear()


@then(parsers.parse("{name} sees, in order, that the payment succeeded and the course was "
                    "unlocked"))
def sees_live(scenario: Scenario, name: str) -> None:
    student = scenario.students[name]
    seen = [e.name for e in scenario.world.notifier.sent if e.student_id == student]
    assert seen == ["PaymentSucceeded", "EnrollmentActivated"]
