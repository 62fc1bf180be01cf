"""Steps of features/invalid_data.feature: wrong or unexpected details are refused."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from tests.bdd.stack import Ctx, rand
from tests.bdd.steps_checkout import refused


@when(parsers.parse('the platform offers student "{name}" the course "{course}" for {price}'))
def platform_offers(ctx: Ctx, name: str, course: str, price: str) -> None:
    ctx.student = name
    ctx.refusal = ctx.driver.offer_course(name, course, rand(price))


@then("the offer is refused as not valid")
def offer_refused(ctx: Ctx) -> None:
    assert refused(ctx).category == "validation"


@then(parsers.parse('the offer is refused because "{message}"'))
def offer_refused_because(ctx: Ctx, message: str) -> None:
    assert refused(ctx).user_message == message


@then(parsers.parse("{name} has no course waiting for payment"))
def nothing_waiting(ctx: Ctx, name: str) -> None:
    assert ctx.driver.courses_waiting_for_payment(name) == 0


@given(parsers.parse('student "{name}" is signed in to the payment service'))
def signed_in(ctx: Ctx, name: str) -> None:
    ctx.student = name


@when(parsers.parse("{name} starts a checkout for a course she was never offered"))
def checkout_never_offered(ctx: Ctx, name: str) -> None:
    ctx.refusal = ctx.driver.start_checkout_for_unknown_course(name)


@when(parsers.parse("{name} starts the checkout and adds a price of {price} of her own"))
def checkout_own_price(ctx: Ctx, name: str, price: str) -> None:
    ctx.refusal = ctx.driver.start_checkout_with_own_price(name, rand(price))
