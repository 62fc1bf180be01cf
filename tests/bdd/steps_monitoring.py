"""Steps for features/monitoring.feature: statistics and the review list."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from tests.bdd.drivers.base import student_sub
from tests.bdd.stack import Ctx, rand

CLICKS = {" paid for their courses": "pay",
          "'s bank declined the card": "decline",
          " has not finished paying yet": None,
          "'s payment came back with a different amount": "pay"}


@given(parsers.re(r"(?P<count>\d+) students?(?P<what> paid for their courses|'s bank declined "
                  r"the card| has not finished paying yet|'s payment came back with a "
                  r"different amount)"))
def checkouts(ctx: Ctx, count: str, what: str) -> None:
    driver = ctx.driver
    for _ in range(int(count)):
        ctx.students += 1
        name = f"stu{ctx.students}"
        assert driver.offer_course(name, "Python 101", rand("R499.00")) is None
        assert driver.start_checkout(name) is None
        click = CLICKS[what]
        if click is None:
            continue
        driver.pay_on_payment_page(name, click)
        if "different amount" in what:
            driver.provider_reports(name, rand("R0.01"))
            ctx.held.append(student_sub(name))
        driver.deliver_provider_message(name, went_through=click == "pay")


@when("an operator looks at the payment statistics for the last day")
def look_at_stats(ctx: Ctx) -> None:
    ctx.seen = ctx.driver.stats_last_day()


@when("an operator looks at the payments needing review")
def look_at_review(ctx: Ctx) -> None:
    ctx.seen = ctx.driver.payments_needing_review()


@then(parsers.parse("the success rate is {percent:d}%"))
def success_rate(ctx: Ctx, percent: int) -> None:
    assert round(100 * (ctx.seen.success_rate or 0)) == percent


@then(parsers.parse("{count:d} payments are counted"))
def payments_counted(ctx: Ctx, count: int) -> None:
    assert ctx.seen.payments == count


@then(parsers.parse('{count:d} decline is counted under "{code}"'))
def declines_counted(ctx: Ctx, count: int, code: str) -> None:
    assert ctx.seen.errors_by_code.get(code) == count
    assert ctx.seen.errors_by_category.get("payment_declined") == count


@then(parsers.parse('exactly that payment is listed with the reason "{reason}"'))
def listed_for_review(ctx: Ctx, reason: str) -> None:
    assert ctx.seen == [(sub, reason) for sub in ctx.held]
