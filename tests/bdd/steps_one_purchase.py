"""Steps for features/one_purchase_per_course.feature (on top of steps_checkout.py and
steps_invalid_data.py): the answer that names what the student already has, and Buy
clicked again."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from tests.bdd.stack import Ctx
from tests.bdd.steps_checkout import refused


@then(parsers.parse('the answer points to {name}\'s enrollment in "{course}"'))
def answer_names_enrollment(ctx: Ctx, name: str, course: str) -> None:
    assert refused(ctx).names == ctx.driver.enrollment_ref(name, course), ctx.refusal


@when(parsers.parse("{name} clicks Buy again"))
def clicks_buy_again(ctx: Ctx, name: str) -> None:
    """A new request (not a retry of the first one) for the course awaiting payment."""
    ctx.student = name
    ctx.seen = ctx.driver.payment(name).checkout_url
    assert ctx.seen, "no payment page was handed out the first time"
    ctx.refusal = ctx.driver.start_checkout(name)


@then(parsers.parse("{name} is sent to the same payment page as before"))
def same_payment_page(ctx: Ctx, name: str) -> None:
    assert ctx.refusal is None, ctx.refusal
    payment = ctx.driver.payment(name)
    assert (payment.status, payment.checkout_url) == ("pending", ctx.seen), payment
