"""Steps for features/risk.feature: the checkout limit, what a paused student is told,
what the operator sees, and lifting a pause (drivers/risk.py on both stacks)."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from tests.bdd.drivers.base import student_sub
from tests.bdd.stack import Ctx, rand

PRICE = "R499.00"
LIMIT_REASON = "More checkouts by one student in an hour than the limit"


@given(parsers.parse("the shop allows {limit:d} new checkouts per student per hour"))
def checkout_limit(ctx: Ctx, limit: int) -> None:
    ctx.driver.set_checkout_limit(limit)


@given(parsers.parse('student "{name}" has chosen the courses "{first}", "{second}" and '
                     '"{third}"'))
def courses_chosen(ctx: Ctx, name: str, first: str, second: str, third: str) -> None:
    ctx.student = name
    for course in (first, second, third):
        assert ctx.driver.offer_course(name, course, rand(PRICE)) is None


@when(parsers.parse('{name} starts the checkout for "{course}"'))
def starts_checkout_for(ctx: Ctx, name: str, course: str) -> None:
    ctx.refusal = ctx.driver.start_checkout(name, course)


@then(parsers.parse("{name} has been sent to {count:d} payment pages"))
def payment_pages(ctx: Ctx, name: str, count: int) -> None:
    pages = [p for p in ctx.driver.payments_of(name) if p.checkout_url]
    assert len(pages) == count, pages


@then(parsers.parse("{name} is paused by the checkout limit"))
def paused(ctx: Ctx, name: str) -> None:
    assert ctx.refusal is not None and ctx.refusal.code == "risk_blocked", ctx.refusal
    assert not ctx.refusal.retryable


@given(parsers.parse("{name} has been paused by the checkout limit"))
def has_been_paused(ctx: Ctx, name: str) -> None:
    assert ctx.driver.start_checkout(name, "Python 101") is None
    assert ctx.driver.start_checkout(name, "SQL 101") is None
    starts_checkout_for(ctx, name, "Git 101")
    paused(ctx, name)


@then(parsers.parse('student "{name}" can still start a checkout for "{course}"'))
def other_student_can(ctx: Ctx, name: str, course: str) -> None:
    assert ctx.driver.offer_course(name, course, rand(PRICE)) is None
    assert ctx.driver.start_checkout(name, course) is None


@then(parsers.parse("{name} is told to wait an hour or to contact support"))
def told_what_to_do(ctx: Ctx, name: str) -> None:
    message = ctx.refusal.user_message if ctx.refusal else ""
    assert "wait an hour" in message and "contact support" in message, message


@then(parsers.parse("{name} is not told what the operator is told"))
def not_told_internals(ctx: Ctx, name: str) -> None:
    message = ctx.refusal.user_message if ctx.refusal else ""
    assert LIMIT_REASON not in message and "card testing" not in message, message


@then(parsers.parse('the operator sees {name} paused because "{reason}"'))
def operator_sees(ctx: Ctx, name: str, reason: str) -> None:
    blocks = [b for b in ctx.driver.risk_blocks()
              if b.subject == student_sub(name)]
    assert [(b.outcome, b.status) for b in blocks] == [("block", "active")], blocks
    assert blocks[0].operator_message.startswith(reason)
    assert [action for _, action, _ in blocks[0].record] == ["risk_block"]


@when(parsers.parse('an operator lifts {name}\'s pause because "{reason}"'))
def operator_lifts(ctx: Ctx, name: str, reason: str) -> None:
    assert ctx.driver.lift_block(name, reason) is None


@then(parsers.parse('{name} can start the checkout for "{course}"'))
def can_start(ctx: Ctx, name: str, course: str) -> None:
    assert ctx.driver.start_checkout(name, course) is None


@then(parsers.parse('the record shows the pause and that an operator lifted it because '
                    '"{reason}"'))
def lift_recorded(ctx: Ctx, reason: str) -> None:
    [block] = [b for b in ctx.driver.risk_blocks()
               if b.subject == student_sub(ctx.student)]
    assert block.status == "lifted"
    (first_actor, first, _), (actor, action, why) = block.record
    assert (first_actor, first) == ("risk", "risk_block")
    assert action == "risk_block_lifted" and actor.startswith("admin:")
    assert why is not None and why.endswith(reason)
