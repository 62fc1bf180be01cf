"""Steps of features/security.feature: ownership on the use-cases, start-up on the real
start-up check, card data through the HTTP app (the guard lives at the HTTP edge)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from domain.classification import ClassifiedFailure
from entrypoints.settings import Settings
from tests.bdd.conftest import Scenario
from tests.support.log_scan import CaptureHandler
from tests.support.production_env import VALID_PRODUCTION
from tests.support.secure_api import secure_api
from tests.support.world import student


@dataclass
class Security:
    env: dict[str, str] = field(default_factory=dict)
    refusals: list[str] = field(default_factory=list)
    started: bool = False
    answer: Any = None
    seen: Any = None
    log: CaptureHandler = field(default_factory=CaptureHandler)
    api: Any = None


@pytest.fixture
def security() -> Iterator[Security]:
    state = Security()
    logging.getLogger().addHandler(state.log)
    try:
        yield state
    finally:
        logging.getLogger().removeHandler(state.log)


@when(parsers.parse('student "{name}" asks for {owner}\'s payment'))
def another_student_asks(scenario: Scenario, security: Security, name: str, owner: str) -> None:
    assert scenario.payment is not None
    try:
        security.seen = scenario.run(scenario.world.get_payment(
            student(f"student-{name.lower()}"), scenario.payment.id))
    except ClassifiedFailure as failure:
        security.seen = failure


@then(parsers.parse("{name} is told there is no such payment"))
def told_no_such_payment(security: Security, name: str) -> None:
    assert isinstance(security.seen, ClassifiedFailure) and security.seen.code == "not_found"


@then(parsers.parse("{name} can still see her payment"))
def owner_still_sees(scenario: Scenario, name: str) -> None:
    assert scenario.payment is not None
    payment = scenario.run(scenario.world.get_payment(
        student(scenario.students[name]), scenario.payment.id))
    assert payment.id == scenario.payment.id


@given("the service is set up for production in every other respect")
def production_setup(security: Security) -> None:
    security.env = dict(VALID_PRODUCTION)


@given("the payment provider is set to test mode")
def provider_in_test_mode(security: Security) -> None:
    security.env["IKHOKHA_TEST_MODE"] = "true"


@when("the service starts")
def service_starts(security: Security, capsys: pytest.CaptureFixture[str]) -> None:
    """The server's own start-up path (build_checked_app), short of binding a port."""
    from entrypoints.server import build_checked_app

    capsys.readouterr()
    try:
        build_checked_app(Settings.from_env(security.env))
        security.started = True
    except SystemExit as stop:
        security.started = stop.code == 0
    security.refusals = [line.removeprefix("refusing to start: ")
                         for line in capsys.readouterr().err.splitlines()
                         if line.startswith("refusing to start: ")]


@then("it refuses to start, saying that test mode is on")
def refuses_test_mode(security: Security) -> None:
    assert not security.started
    assert security.refusals == ["IKHOKHA_TEST_MODE is on: production must take live payments"]


@then("it starts")
def it_starts(security: Security) -> None:
    assert security.started, security.refusals


@given(parsers.parse('student "{name}" is signed in to the payment service'))
def signed_in(security: Security, name: str) -> Iterator[None]:
    with secure_api() as api:
        security.api = api
        yield


@when(parsers.parse("{name} sends her card number {number} to the payment service"))
def sends_card_number(security: Security, name: str, number: str) -> None:
    api = security.api
    security.answer = api.client.post(
        "/api/v1/payments", json={"enrollment_id": "enr_1", "card": {"number": number}},
        headers={**api.auth(f"student-{name.lower()}"), "Idempotency-Key": "card-key-0000001"})
    security.env["number"] = number


@then(parsers.parse("{name} is told never to send card details to us"))
def told_never_send_card(security: Security, name: str) -> None:
    assert security.answer.status_code == 400
    problem = security.answer.json()
    assert problem["code"] == "card_data_refused"
    assert "secure payment page" in problem["user_message"]


@then("the card number appears nowhere in the service's log")
def card_not_in_log(security: Security) -> None:
    digits = security.env["number"].replace(" ", "")
    assert any("card data refused" in line for line in security.log.lines)
    assert not any(digits in line.replace(" ", "") for line in security.log.lines)


@given(parsers.parse('student "{name}" already has {count:d} checkouts waiting for payment'))
def already_waiting(scenario: Scenario, name: str, count: int) -> None:
    scenario.students[name] = f"student-{name.lower()}"
    for i in range(count):
        enrollment = scenario.run(scenario.world.enrollment(
            student_id=scenario.students[name], course_id=f"course-{i}"))
        scenario.run(scenario.world.checkout(enrollment, key=f"waiting-key-{i:08d}"))


@when(parsers.parse("{name} starts a checkout for another course"))
def starts_another(scenario: Scenario, name: str) -> None:
    scenario.enrollment = scenario.run(scenario.world.enrollment(
        student_id=scenario.students[name], course_id="one-more"))
    try:
        scenario.payment = scenario.run(scenario.world.checkout(scenario.enrollment,
                                                                key="one-more-key-0001"))
    except ClassifiedFailure as failure:
        scenario.failure = failure


@then(parsers.parse("{name} is asked to finish or wait for a waiting payment first"))
def asked_to_wait(scenario: Scenario, name: str) -> None:
    assert isinstance(scenario.failure, ClassifiedFailure)
    assert scenario.failure.code == "too_many_open_checkouts"


@then("no new payment page was handed out")
def no_new_page(scenario: Scenario) -> None:
    assert len(scenario.world.gateway.paylinks) == 5
