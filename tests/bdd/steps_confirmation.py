"""Steps for features/payment_confirmation.feature (on top of steps_checkout.py)."""

from __future__ import annotations

from pytest_bdd import given, parsers, step, then, when

from application.use_cases.check_pending import CHECKER
from tests.bdd.stack import Ctx, rand


@given(parsers.parse("the payment provider reports {price} for it"))
def provider_reports_other_amount(ctx: Ctx, price: str) -> None:
    ctx.driver.provider_reports(ctx.student, rand(price))


@when("someone tells us the payment went through but the payment provider still waits for it")
def unconfirmed_success(ctx: Ctx) -> None:
    ctx.driver.unconfirmed_success_message(ctx.student)


@step(parsers.parse('the payment is held for a person to review because "{reason}"'))
def held_for_review(ctx: Ctx, reason: str) -> None:
    payment = ctx.driver.payment(ctx.student)
    assert (payment.review_reason, payment.status) == (reason, "pending")


@when(parsers.parse("a forged message says {name}'s payment went through"))
def forged(ctx: Ctx, name: str) -> None:
    ctx.refusal = ctx.driver.forged_success_message(name)


@then("the message is refused as not coming from the payment provider")
def refused_as_forged(ctx: Ctx) -> None:
    assert ctx.refusal is not None and ctx.refusal.code == "invalid_signature"


@then("the refusal is written in the security record")
def security_record(ctx: Ctx) -> None:
    assert ctx.driver.security_record() == [("callback_rejected", "invalid_signature")]


@when(parsers.re(r"someone sends the payment provider's message again (?P<times>\d+) times?"))
def message_replayed(ctx: Ctx, times: str) -> None:
    ctx.driver.replay_provider_message(ctx.student, int(times))


@given(parsers.parse('an admin has refunded everything because "{reason}"'))
def has_refunded_everything(ctx: Ctx, reason: str) -> None:
    """Done, whichever way the provider refunds: confirmed in its dashboard if need be."""
    assert ctx.driver.refund(ctx.student, None, reason) is None
    if ctx.driver.refund_status(ctx.student) == "manual_action_required":
        ctx.driver.confirm_refund(ctx.student, "IKH-REFUND-1")
    assert ctx.driver.refund_status(ctx.student) == "succeeded"


@given(parsers.parse("{name} is watching her payment page"))
def watching(ctx: Ctx, name: str) -> None:
    ctx.driver.watch_from_now(name)


@then(parsers.parse("{name} sees, in order, that the payment succeeded and the course was "
                    "unlocked"))
def sees_live(ctx: Ctx, name: str) -> None:
    seen = ctx.driver.events_seen_by(name, until="EnrollmentActivated")
    assert seen == ["PaymentSucceeded", "EnrollmentActivated"], seen


@given(parsers.parse("the payment provider reports {extra} more for it, without saying in "
                     "which currency"))
def provider_reports_more_without_currency(ctx: Ctx, extra: str) -> None:
    ctx.driver.provider_reports_without_currency(ctx.student, rand(extra))


@then("the payment waits for the payment provider to confirm it")
def waits_for_provider(ctx: Ctx) -> None:
    """Not paid, not given up on, and not put in front of a person either."""
    payment = ctx.driver.payment(ctx.student)
    assert (payment.status, payment.review_reason) == ("pending", None), payment


# -- the payment provider's records lag behind its messages -------------------------------
@given("the payment provider's records lag behind its messages")
def records_lag(ctx: Ctx) -> None:
    ctx.driver.provider_records_lag()


@when("the payment provider's records catch up")
def records_catch_up(ctx: Ctx) -> None:
    ctx.driver.provider_catches_up()


@then("our checker confirmed the payment and unlocked the course, with no operator involved")
def checker_confirmed(ctx: Ctx) -> None:
    record = ctx.driver.payment_record(ctx.student)
    paid_by = [line.actor for line in record
               if (line.entity, line.to_status) == ("payment", "succeeded")]
    unlocked_by = [line.actor for line in record
                   if (line.entity, line.to_status) == ("enrollment", "active")]
    assert (paid_by, unlocked_by) == ([CHECKER], [CHECKER]), record
    people = [line for line in record if line.actor.startswith("admin:")
              or line.action.startswith("review_") or line.action == "PaymentFlaggedForReview"]
    assert people == [], people
