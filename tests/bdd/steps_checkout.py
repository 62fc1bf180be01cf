"""Steps of paying, failing and network trouble (successful_payments, failed_payments,
network_issues .feature), on the stack-neutral driver; shared by the other areas."""

from __future__ import annotations

from datetime import timedelta

from pytest_bdd import given, parsers, step, then, when

from tests.bdd.drivers.base import Refusal
from tests.bdd.stack import Ctx, rand

CLICKS = {"bank declines the card": "decline",
          "card has insufficient funds": "insufficient_funds"}


def refused(ctx: Ctx) -> Refusal:
    assert ctx.refusal is not None, "nothing was refused"
    return ctx.refusal


# -- the course and the checkout ------------------------------------------------------------
@given(parsers.parse('a course "{course}" priced at {price} that student "{name}" has chosen'))
def course_chosen(ctx: Ctx, course: str, price: str, name: str) -> None:
    ctx.student = name
    assert ctx.driver.offer_course(name, course, rand(price)) is None


@when(parsers.parse("{name} starts the checkout"))
def start_checkout(ctx: Ctx, name: str) -> None:
    ctx.student = name
    ctx.refusal = ctx.driver.start_checkout(name)


@when(parsers.parse("{name} starts the checkout again with the same request"))
def start_checkout_again(ctx: Ctx, name: str) -> None:
    ctx.student = name
    ctx.refusal = ctx.driver.start_checkout(name, same_request=True)


@given(parsers.parse("{name} has started the checkout"))
def has_started(ctx: Ctx, name: str) -> None:
    start_checkout(ctx, name)
    assert ctx.refusal is None, ctx.refusal


@then(parsers.parse("{name} is sent to the payment page for {price}"))
def sent_to_payment_page(ctx: Ctx, name: str, price: str) -> None:
    assert ctx.refusal is None, ctx.refusal
    payment = ctx.driver.payment(name)
    assert payment.checkout_url and payment.status == "pending"
    assert payment.amount == rand(price)


# -- on the payment page ---------------------------------------------------------------------
@step(parsers.parse("{name} pays successfully on the payment page"))
def pays(ctx: Ctx, name: str) -> None:
    ctx.driver.pay_on_payment_page(name, "pay")


@when(parsers.re(r"(?P<name>\w+)'s (?P<what>bank declines the card|card has insufficient "
                 r"funds) on the payment page"))
def bank_declines(ctx: Ctx, name: str, what: str) -> None:
    ctx.driver.pay_on_payment_page(name, CLICKS[what])


@when(parsers.parse("{name} cancels on the payment page"))
def cancels(ctx: Ctx, name: str) -> None:
    ctx.driver.pay_on_payment_page(name, "cancel")


@given(parsers.parse("{name} never pays"))
def never_pays(ctx: Ctx, name: str) -> None:
    """Nothing happens on the payment page."""


@step(parsers.re(r"the payment provider tells us the payment (?P<what>went through|failed)"
                 r"(?: (?P<times>\d+) times)?"))
def provider_tells_us(ctx: Ctx, what: str, times: str | None) -> None:
    ctx.driver.deliver_provider_message(ctx.student, what == "went through", int(times or 1))


# -- what the student sees -------------------------------------------------------------------
@then(parsers.parse("the payment is marked as {status}"))
def payment_status(ctx: Ctx, status: str) -> None:
    assert ctx.driver.payment(ctx.student).status == status


@then(parsers.parse('the course "{course}" is unlocked for {name}'))
def course_unlocked(ctx: Ctx, course: str, name: str) -> None:
    assert ctx.driver.enrollment_status(name, course) == "active"


@then(parsers.parse('the course "{course}" is still locked for {name}'))
def course_locked(ctx: Ctx, course: str, name: str) -> None:
    assert ctx.driver.enrollment_status(name, course) == "pending_payment"


@then(parsers.parse("{name} is told the payment succeeded"))
def told_success(ctx: Ctx, name: str) -> None:
    told = ctx.driver.events_seen_by(name, until="EnrollmentActivated")
    assert "PaymentSucceeded" in told and "EnrollmentActivated" in told, told


@then(parsers.parse('{name} is told "{message}"'))
def told_message(ctx: Ctx, name: str, message: str) -> None:
    """What the last refusal said, or else what the student's payment says now."""
    told = ctx.refusal.user_message if ctx.refusal else ctx.driver.payment(name).user_message
    assert told == message


@then(parsers.parse("{name} is told to use another card"))
def told_another_card(ctx: Ctx, name: str) -> None:
    assert "another card" in ctx.driver.payment(name).user_message


@then("there is exactly one payment and one payment link for the course")
def one_payment(ctx: Ctx) -> None:
    assert len(ctx.driver.payments_of(ctx.student)) == 1
    assert ctx.driver.payment_links() == 1


@then("the course was unlocked exactly once")
def unlocked_once(ctx: Ctx) -> None:
    assert ctx.driver.times_unlocked(ctx.student) == 1


# -- network trouble and the checker -------------------------------------------------------
@given("the payment provider does not answer in time")
def provider_times_out(ctx: Ctx) -> None:
    ctx.driver.provider_times_out()


@given("the payment provider is down")
def provider_down(ctx: Ctx) -> None:
    ctx.driver.provider_down()


@given("the payment provider answers again")
def provider_recovers(ctx: Ctx) -> None:
    ctx.driver.provider_recovers()


@then(parsers.parse("{name} is asked to try again in a minute"))
def asked_to_retry(ctx: Ctx, name: str) -> None:
    told = refused(ctx)
    assert told.retryable and "try again in a minute" in told.user_message, told


@then("no payment page was handed out yet")
def no_payment_page(ctx: Ctx) -> None:
    assert ctx.driver.payment_links() == 0
    assert all(p.checkout_url is None for p in ctx.driver.payments_of(ctx.student))


@given("the payment provider's message is lost on the way")
def message_lost(ctx: Ctx) -> None:
    """Nothing to do: the message is never delivered in this scenario."""


@when(parsers.re(r"(?P<count>\d+) (?P<unit>seconds|minutes|hours) pass and our checker runs"))
def checker_runs(ctx: Ctx, count: str, unit: str) -> None:
    ctx.driver.run_checker(timedelta(**{unit: int(count)}))
