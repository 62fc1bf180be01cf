"""Steps for features/analytics.feature: which course loses buyers at payment."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from domain.money import Money
from tests.bdd.drivers.base import course_id
from tests.bdd.stack import Ctx

PRICE = Money(49_900, "ZAR")
CLICK = {"paid for": "pay", "bank declined the card for": "decline",
         "banks declined the card for": "decline", "cancelled the payment for": "cancel"}


@given(parsers.re(r"(?P<count>\d+) students?(?: |'s |' )?(?P<what>paid for|bank declined the "
                  r"card for|banks declined the card for|cancelled the payment for) "
                  r'"(?P<course>[^"]+)"'))
def bought(ctx: Ctx, count: str, what: str, course: str) -> None:
    click = CLICK[what]
    for _ in range(int(count)):
        ctx.students += 1
        name = f"buyer{ctx.students}"
        assert ctx.driver.offer_course(name, course, PRICE) is None
        assert ctx.driver.start_checkout(name) is None
        ctx.driver.pay_on_payment_page(name, click)
        ctx.driver.deliver_provider_message(name, went_through=click == "pay")


@when("an operator looks at the payment analytics for the last seven days")
def look_at_analytics(ctx: Ctx) -> None:
    ctx.seen = ctx.driver.analytics_last_week()


@then(parsers.parse('"{course}" is the course that loses the most buyers at payment'))
def losing_most(ctx: Ctx, course: str) -> None:
    assert ctx.seen.losing_most == course_id(course)


@then(parsers.parse('{paid:d} of the {checkouts:d} checkouts for "{course}" ended paid'))
def paid_of(ctx: Ctx, paid: int, checkouts: int, course: str) -> None:
    assert ctx.seen.paid_of_checkouts[course_id(course)] == (paid, checkouts)


@then(parsers.parse('{count:d} declines are counted under "{reason}"'))
def declines(ctx: Ctx, count: int, reason: str) -> None:
    assert ctx.seen.declines.get(reason) == count
