"""Each risk rule at its boundary (memory storage, fixed clock): the limit passes, the
next one gets the rule's outcome; blocks are audited, counted and can be lifted."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from application.risk_checkout import counted_address
from application.risk_verdict import RiskBlocked
from application.use_cases.risk_admin import (
    LiftRiskBlock,
    ListRiskRules,
    ReportProgress,
    RiskQueue,
    RuleChange,
    UpdateRiskRule,
)
from application.use_cases.start_payment import StartPaymentCommand
from domain.errors import DomainError
from domain.gateway_report import GatewayStatus
from domain.risk import (
    CHECKOUTS_PER_ADDRESS,
    CHECKOUTS_PER_STUDENT,
    DECLINES_PER_STUDENT,
    DEFAULT_RULE_ROWS,
    REFUND_AFTER_PROGRESS,
    STUDENTS_PER_ADDRESS,
    RiskOutcome,
)
from tests.support.money_back import MoneyBackWorld
from tests.support.world import ADMIN, SERVICE, student

ADDRESS = "198.51.100.7"


@pytest.fixture
def world() -> MoneyBackWorld:
    return MoneyBackWorld(risk=True, max_open_checkouts=0)


async def set_rule(world: MoneyBackWorld, rule_id: str, **changes: object) -> None:
    rules = {r.id: r for r in await ListRiskRules(world.tx, world.risk_guard)(ADMIN)}
    r = rules[rule_id]
    change = RuleChange(r.id, r.limit, r.window_s, r.outcome, r.enabled, r.student_message,
                        r.operator_message)
    await UpdateRiskRule(world.tx, world.risk_guard, world.clock)(ADMIN, replace(change, **changes))


async def checkout(world: MoneyBackWorld, student_id: str = "stu-1",
                   address: str | None = None):  # type: ignore[no-untyped-def]
    enrollment = await world.enrollment(student_id=student_id)
    return await world.start_payment(StartPaymentCommand(
        student(student_id), enrollment.id, f"key-{enrollment.id}-0000000", address))


async def queue(world: MoneyBackWorld):  # type: ignore[no-untyped-def]
    return await RiskQueue(world.tx, world.risk_guard)(ADMIN)


async def test_checkouts_per_student_pass_up_to_the_limit_and_the_next_is_blocked(world):
    await set_rule(world, CHECKOUTS_PER_STUDENT, limit=3)
    for _ in range(3):
        await checkout(world)
    with pytest.raises(RiskBlocked) as refused:
        await checkout(world)
    assert refused.value.code == "risk_blocked"
    assert refused.value.extra["user_message"].startswith("You have started many checkouts")
    assert len(world.store.payments) == 3
    [item] = await queue(world)
    assert (item.flag.rule_id, item.flag.outcome, item.flag.subject) == (
        CHECKOUTS_PER_STUDENT, RiskOutcome.BLOCK, "stu-1")
    assert [e.action for e in item.trail] == ["risk_block"]
    refusals = [e for e in world.store.audit if e.action == "checkout_refused_by_risk"]
    assert len(refusals) == 1 and refusals[0].entity == "enrollment"
    assert world.risk_metrics.count("risk_decisions", rule=CHECKOUTS_PER_STUDENT,
                                    outcome="block") == 1
    assert world.risk_metrics.count("risk_decisions", rule=CHECKOUTS_PER_STUDENT,
                                    outcome="allow") == 3
    await checkout(world, "stu-2")  # another student is not affected


async def test_a_block_holds_for_its_window_and_a_new_window_starts_afresh(world):
    await set_rule(world, CHECKOUTS_PER_STUDENT, limit=1)
    await checkout(world)
    with pytest.raises(RiskBlocked):
        await checkout(world)
    world.clock.advance(minutes=59)  # START is 09:00: still the same clock hour
    with pytest.raises(RiskBlocked):
        await checkout(world)
    world.clock.advance(minutes=1)
    await checkout(world)


async def test_an_operator_lifts_a_block_and_the_student_may_check_out_again(world):
    await set_rule(world, CHECKOUTS_PER_STUDENT, limit=1)
    await checkout(world)
    with pytest.raises(RiskBlocked):
        await checkout(world)
    [item] = await queue(world)
    lift = LiftRiskBlock(world.tx, world.risk_guard, world.clock)
    with pytest.raises(DomainError):
        await lift(ADMIN, item.flag.id, " ")
    lifted = await lift(ADMIN, item.flag.id, "called the student: a slow bank page")
    assert lifted.status.value == "lifted" and lifted.lifted_by == "admin:admin-1"
    await checkout(world)
    await checkout(world)
    [item] = await queue(world)
    assert [e.action for e in item.trail] == ["risk_block", "risk_block_lifted"]
    assert world.risk_metrics.count("risk_blocks_lifted", rule=CHECKOUTS_PER_STUDENT) == 1
    with pytest.raises(DomainError):
        await lift(ADMIN, item.flag.id, "again")


async def test_checkouts_per_address_count_every_student_behind_it(world):
    await set_rule(world, CHECKOUTS_PER_ADDRESS, limit=2)
    await checkout(world, "stu-1", ADDRESS)
    await checkout(world, "stu-2", ADDRESS)
    with pytest.raises(RiskBlocked):
        await checkout(world, "stu-3", ADDRESS)
    await checkout(world, "stu-3", "198.51.100.8")
    await checkout(world, "stu-3", "127.0.0.1")  # loopback: not a client's address
    [item] = await queue(world)
    assert (item.flag.subject_kind, item.flag.subject) == ("address", ADDRESS)


async def test_distinct_students_per_address_beyond_the_limit_go_to_review(world):
    await set_rule(world, STUDENTS_PER_ADDRESS, limit=2)
    await checkout(world, "stu-1", ADDRESS)
    await checkout(world, "stu-2", ADDRESS)
    await checkout(world, "stu-1", ADDRESS)  # the same student again: not a new one
    assert await queue(world) == []
    third = await checkout(world, "stu-3", ADDRESS)  # review: the checkout goes ahead
    assert third.checkout_url
    [item] = await queue(world)
    assert (item.flag.outcome, item.flag.payment_id) == (RiskOutcome.REVIEW, third.id)
    assert any(e.entity == "payment" and e.entity_id == third.id and e.action == "risk_review"
               for e in world.store.audit)


def test_only_client_addresses_are_counted():
    assert counted_address("127.0.0.1") is None and counted_address("::1") is None
    assert counted_address(None) is None and counted_address("not an ip") is None
    assert counted_address("2001:DB8::1") == "2001:db8::1"


async def decline(world: MoneyBackWorld, student_id: str = "stu-1") -> None:
    payment = await checkout(world, student_id)
    world.gateway.settle(payment.paylink_id or "", GatewayStatus.FAILURE,
                         failure_code="payment_declined")
    assert (await world.verify_payment(ADMIN, payment.id)).status.value == "failed"


async def test_repeated_declines_block_the_students_next_checkout(world):
    await set_rule(world, DECLINES_PER_STUDENT, limit=2)
    await decline(world)
    await checkout(world)  # one decline: still fine
    await decline(world)
    with pytest.raises(RiskBlocked) as refused:
        await checkout(world)
    assert "declined" in refused.value.extra["user_message"]
    [item] = await queue(world)
    assert item.flag.rule_id == DECLINES_PER_STUDENT and item.flag.subject == "stu-1"
    cancelled = await checkout(world, "stu-2")
    world.gateway.settle(cancelled.paylink_id or "", GatewayStatus.CANCELLED)
    await world.verify_payment(ADMIN, cancelled.id)
    await checkout(world, "stu-2")  # a cancel is not a decline


async def test_a_refund_soon_after_most_of_the_course_is_reviewed_or_blocked(world):
    enrollment, paid = await world.paid()
    report = ReportProgress(world.tx, world.risk_guard, world.clock)
    await report(SERVICE, enrollment.id, 79)
    await world.refund(paid.id, amount=100, key="refund-key-00000001")
    assert await queue(world) == []  # 79 % is under the 80 % default
    await report(SERVICE, enrollment.id, 80)
    await world.refund(paid.id, amount=100, key="refund-key-00000002")  # review: goes ahead
    [item] = await queue(world)
    assert (item.flag.outcome, item.flag.payment_id) == (RiskOutcome.REVIEW, paid.id)


async def test_a_blocked_refund_reserves_nothing_until_the_block_is_lifted(world):
    enrollment, paid = await world.paid()
    await set_rule(world, REFUND_AFTER_PROGRESS, outcome=RiskOutcome.BLOCK)
    await ReportProgress(world.tx, world.risk_guard, world.clock)(SERVICE, enrollment.id, 95)
    with pytest.raises(RiskBlocked):
        await world.refund(paid.id, key="refund-key-00000003")
    assert world.payment_row(paid.id).reserved_minor == 0
    [item] = await queue(world)
    await LiftRiskBlock(world.tx, world.risk_guard, world.clock)(ADMIN, item.flag.id, "checked")
    refund = await world.refund(paid.id, key="refund-key-00000004")
    assert refund.amount == paid.amount


async def test_a_refund_long_after_the_purchase_is_not_judged(world):
    enrollment, paid = await world.paid()
    await set_rule(world, REFUND_AFTER_PROGRESS, outcome=RiskOutcome.BLOCK, window_s=86400)
    await ReportProgress(world.tx, world.risk_guard, world.clock)(SERVICE, enrollment.id, 100)
    world.clock.advance(days=1, seconds=1)
    await world.refund(paid.id, key="refund-key-00000005")
    assert await queue(world) == []


async def test_a_disabled_rule_judges_nothing_and_changes_are_audited(world):
    await set_rule(world, CHECKOUTS_PER_STUDENT, limit=1, enabled=False)
    for _ in range(3):
        await checkout(world)
    changes = [e for e in world.store.audit if e.action == "risk_rule_changed"]
    assert changes[-1].entity_id == CHECKOUTS_PER_STUDENT and "(disabled)" in changes[-1].reason
    with pytest.raises(DomainError):
        await set_rule(world, REFUND_AFTER_PROGRESS, limit=101)
    with pytest.raises(DomainError):
        await set_rule(world, CHECKOUTS_PER_STUDENT, student_message="")


def test_the_migration_ships_the_same_defaults_as_the_domain():
    source = Path("adapters/sql/migrations/versions/0008_risk_rules.py").read_text()
    tree = ast.parse(source)
    [shipped] = [ast.literal_eval(node.value) for node in tree.body
                 if isinstance(node, ast.Assign)
                 and getattr(node.targets[0], "id", "") == "DEFAULT_RULES"]
    assert shipped == [{"id": r["id"], "limit_count": r["limit"], "window_s": r["window_s"],
                        "outcome": r["outcome"].value, "enabled": True,
                        "student_message": r["student_message"],
                        "operator_message": r["operator_message"]}
                       for r in DEFAULT_RULE_ROWS]
