"""Steps of features/security.feature: ownership and card data on the driver; start-up
on the server's own start-up check (the same for every stack, hence @memory-only)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from pytest_bdd import given, parsers, then, when

from entrypoints.settings import Settings
from tests.bdd.drivers.base import PaymentView, Refusal
from tests.bdd.stack import Ctx, rand
from tests.support.log_scan import CaptureHandler
from tests.support.production_env import VALID_PRODUCTION


@dataclass
class Security:
    env: dict[str, str] = field(default_factory=dict)
    refusals: list[str] = field(default_factory=list)
    started: bool = False
    number: str = ""
    log: CaptureHandler = field(default_factory=CaptureHandler)


@pytest.fixture
def security() -> Iterator[Security]:
    state = Security()
    logging.getLogger().addHandler(state.log)
    try:
        yield state
    finally:
        logging.getLogger().removeHandler(state.log)


# -- another student's payment -------------------------------------------------------------
@when(parsers.parse('student "{name}" asks for {owner}\'s payment'))
def another_student_asks(ctx: Ctx, name: str, owner: str) -> None:
    ctx.seen = ctx.driver.payment_as(name, owner)


@then(parsers.parse("{name} is told there is no such payment"))
def told_no_such_payment(ctx: Ctx, name: str) -> None:
    assert isinstance(ctx.seen, Refusal) and ctx.seen.code == "not_found", ctx.seen


@then(parsers.parse("{name} can still see her payment"))
def owner_still_sees(ctx: Ctx, name: str) -> None:
    assert isinstance(ctx.driver.payment_as(name, name), PaymentView)


@when(parsers.parse('student "{name}" starts the checkout for {owner}\'s course'))
def checkout_for_another(ctx: Ctx, name: str, owner: str) -> None:
    ctx.refusal = ctx.driver.start_checkout_as(name, owner)


@then(parsers.parse("{name} is told there is no such course"))
def told_no_such_course(ctx: Ctx, name: str) -> None:
    assert ctx.refusal is not None and ctx.refusal.code == "not_found", ctx.refusal


# -- start-up ------------------------------------------------------------------------------
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


# -- card data -----------------------------------------------------------------------------
@when(parsers.parse("{name} sends her card number {number} to the payment service"))
def sends_card_number(ctx: Ctx, security: Security, name: str, number: str) -> None:
    security.number = number
    ctx.refusal = ctx.driver.send_card_number(name, number)


@then(parsers.parse("{name} is told never to send card details to us"))
def told_never_send_card(ctx: Ctx, name: str) -> None:
    assert ctx.refusal is not None and ctx.refusal.code == "card_data_refused", ctx.refusal
    assert "secure payment page" in ctx.refusal.user_message


@then("the card number appears nowhere in the service's log")
def card_not_in_log(security: Security) -> None:
    digits = security.number.replace(" ", "")
    assert any("card data refused" in line for line in security.log.lines)
    assert not any(digits in line.replace(" ", "") for line in security.log.lines)


# -- too many open checkouts ---------------------------------------------------------------
@given(parsers.parse('student "{name}" already has {count:d} checkouts waiting for payment'))
def already_waiting(ctx: Ctx, name: str, count: int) -> None:
    ctx.student = name
    for i in range(count):
        course = f"Course {i}"
        assert ctx.driver.offer_course(name, course, rand("R100.00")) is None
        assert ctx.driver.start_checkout(name, course) is None


@when(parsers.parse("{name} starts a checkout for another course"))
def starts_another(ctx: Ctx, name: str) -> None:
    assert ctx.driver.offer_course(name, "One more", rand("R100.00")) is None
    ctx.refusal = ctx.driver.start_checkout(name, "One more")


@then(parsers.parse("{name} is asked to finish or wait for a waiting payment first"))
def asked_to_wait(ctx: Ctx, name: str) -> None:
    assert ctx.refusal is not None and ctx.refusal.code == "too_many_open_checkouts"


@then("no new payment page was handed out")
def no_new_page(ctx: Ctx) -> None:
    assert ctx.driver.payment_links() == 5
