"""Steps for refunds, reconciliation and rollback (features/refunds.feature,
reconciliation.feature, rollback.feature), on the stack-neutral driver."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from tests.bdd.stack import Ctx, rand

COURSE = "Python 101"


def paid(ctx: Ctx, name: str, price: str, course: str) -> None:
    """Offered, checked out, paid on the page, and the provider's message delivered."""
    driver = ctx.driver
    ctx.student = name
    assert driver.offer_course(name, course, rand(price)) is None
    assert driver.start_checkout(name) is None
    driver.pay_on_payment_page(name, "pay")
    driver.deliver_provider_message(name, went_through=True)
    assert driver.payment(name).status == "succeeded"


# -- refunds -------------------------------------------------------------------------
@given(parsers.parse('student "{name}" has paid {price} for the course "{course}"'))
def has_paid(ctx: Ctx, name: str, price: str, course: str) -> None:
    paid(ctx, name, price, course)


@given("the payment provider can only refund from its own dashboard")
def manual_refunds_only(ctx: Ctx) -> None:
    ctx.driver.provider_refunds_by_itself(False)


@given("the payment provider refunds by itself")
def automatic_refunds(ctx: Ctx) -> None:
    ctx.driver.provider_refunds_by_itself(True)


@when(parsers.parse('an admin refunds {amount} because "{reason}"'))
def admin_refunds(ctx: Ctx, amount: str, reason: str) -> None:
    ctx.refusal = ctx.driver.refund(ctx.student, None if amount == "everything"
                                    else rand(amount), reason)


@when(parsers.parse('an admin confirms the refund with the provider\'s reference "{ref}"'))
def admin_confirms(ctx: Ctx, ref: str) -> None:
    ctx.driver.confirm_refund(ctx.student, ref)


@then(parsers.parse("{name} has {amount} back"))
def has_back(ctx: Ctx, name: str, amount: str) -> None:
    assert ctx.driver.payment(name).refunded == rand(amount)


@then(parsers.parse('the course "{course}" is still open to {name}'))
def still_open(ctx: Ctx, course: str, name: str) -> None:
    assert ctx.driver.enrollment_status(name, course) == "active"


@then(parsers.parse('the course "{course}" is no longer open to {name}'))
def no_longer_open(ctx: Ctx, course: str, name: str) -> None:
    assert ctx.driver.enrollment_status(name, course) == "revoked"


@then("the refund is refused because it is more than what is left")
def refund_refused(ctx: Ctx) -> None:
    assert ctx.refusal is not None, "the refund was not refused"
    assert ctx.refusal.code == "refund_exceeds_captured"


@then("the refund waits for someone to refund in the provider's dashboard")
def refund_waits(ctx: Ctx) -> None:
    assert ctx.driver.refund_status(ctx.student) == "manual_action_required"


# -- rollback ------------------------------------------------------------------------
@when(parsers.parse('an admin reverts {name}\'s enrollment because "{reason}"'))
def admin_reverts(ctx: Ctx, name: str, reason: str) -> None:
    ctx.refusal = ctx.driver.revert(name, reason)
    assert ctx.refusal is None, ctx.refusal


@when(parsers.parse("an admin reverts {name}'s enrollment without a reason"))
def admin_reverts_without_reason(ctx: Ctx, name: str) -> None:
    ctx.refusal = ctx.driver.revert(name, "   ")


@then(parsers.parse('the record shows an admin took the course away because "{reason}"'))
def revert_recorded(ctx: Ctx, reason: str) -> None:
    entries = ctx.driver.revocations(ctx.student)
    assert len(entries) == 1, entries
    actor, why = entries[0]
    assert actor.startswith("admin:") and why == reason


# -- reconciliation ------------------------------------------------------------------
@given(parsers.parse('students "{a}", "{b}" and "{c}" started checkouts for {price} today'))
def three_checkouts(ctx: Ctx, a: str, b: str, c: str, price: str) -> None:
    for name in (a, b, c):
        assert ctx.driver.offer_course(name, COURSE, rand(price)) is None
        assert ctx.driver.start_checkout(name) is None


@given(parsers.re(r"the payment provider took (?P<name>\w+)'s payment but "
                  r"(?:never told us|reports (?P<reported>R[\d.]+) for it)"))
def provider_took_payment(ctx: Ctx, name: str, reported: str | None) -> None:
    ctx.driver.pay_on_payment_page(name, "pay")
    if reported:
        ctx.driver.provider_reports(name, rand(reported))


@when("an admin reconciles today and repairs what it finds")
def reconcile_today(ctx: Ctx) -> None:
    ctx.counts = ctx.driver.reconcile_today()


@then(parsers.parse("the reconciliation found {count:d} payment whose {what} disagrees"))
def reconciliation_found(ctx: Ctx, count: int, what: str) -> None:
    assert ctx.counts[f"{what}_mismatch"] == count, ctx.counts


@then(parsers.parse("{name}'s payment is marked as {status}"))
def payment_of_marked(ctx: Ctx, name: str, status: str) -> None:
    assert ctx.driver.payment(name).status == status


@then(parsers.parse('{name}\'s payment is held for review because of "{reason}"'))
def held_for_review_because_of(ctx: Ctx, name: str, reason: str) -> None:
    assert ctx.driver.payment(name).review_reason == reason


@then(parsers.re(r"(?P<name>\w+)'s course is (?P<state>unlocked|still locked)"))
def course_of(ctx: Ctx, name: str, state: str) -> None:
    expected = "active" if state == "unlocked" else "pending_payment"
    assert ctx.driver.enrollment_status(name, COURSE) == expected
