"""Steps for features/review.feature: an operator (or, refused, a student) resolves a
payment held for review, and the record of who decided and why."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from tests.bdd.stack import Ctx


@when(parsers.parse('{name} tries to accept her own payment because "{reason}"'))
def student_accepts(ctx: Ctx, name: str, reason: str) -> None:
    ctx.refusal = ctx.driver.resolve_review(name, "accept", reason, by=name)


@then(parsers.parse("{name} is told only an operator may decide"))
def told_only_operator(ctx: Ctx, name: str) -> None:
    assert ctx.refusal is not None and ctx.refusal.code == "forbidden", ctx.refusal


@when(parsers.parse('an operator accepts {name}\'s payment because "{reason}"'))
def operator_accepts(ctx: Ctx, name: str, reason: str) -> None:
    ctx.refusal = ctx.driver.resolve_review(name, "accept", reason)
    assert ctx.refusal is None, ctx.refusal


@then(parsers.parse('the record shows an operator accepted the payment held for "{held}" '
                    'because "{reason}"'))
def acceptance_recorded(ctx: Ctx, held: str, reason: str) -> None:
    """Who decided, what the payment was held for, and the operator's own words; the
    operator, not the payment provider's message, unlocked the course."""
    record = ctx.driver.payment_record(ctx.student)
    accepted = [(line.actor, line.reason) for line in record if line.action == "review_accepted"]
    assert len(accepted) == 1, record
    actor, why = accepted[0]
    assert actor.startswith("admin:"), record
    assert why == f"{held}: {reason}", why
    unlocked_by = [line.actor for line in record
                   if (line.entity, line.to_status) == ("enrollment", "active")]
    assert unlocked_by == [actor], record


@then("no payment is waiting for review any more")
def review_list_empty(ctx: Ctx) -> None:
    assert ctx.driver.payments_needing_review() == []
