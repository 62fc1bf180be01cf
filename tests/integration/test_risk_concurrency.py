"""Risk limits under concurrency, on SQLite (one writer, version checks) and PostgreSQL
(row locks: the counters are read FOR UPDATE): twenty requests at once at a limit of N
let exactly N through, and every other one is refused by the rule, not by a lost race.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from adapters.sql.risk import sql_risk_store
from adapters.sql.risk_tables import RiskCounterRow, RiskFlagRow
from adapters.sql.tables import PaymentRow
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from application.risk_verdict import RiskBlocked
from application.use_cases.risk_admin import ReportProgress, RuleChange, UpdateRiskRule
from application.use_cases.start_payment import StartPaymentCommand
from domain.gateway_report import GatewayStatus
from domain.risk import (
    CHECKOUTS_PER_ADDRESS,
    CHECKOUTS_PER_STUDENT,
    DECLINES_PER_STUDENT,
    REFUND_AFTER_PROGRESS,
    STUDENTS_PER_ADDRESS,
    RiskOutcome,
    default_rules,
)
from tests.support.money_back import MoneyBackWorld
from tests.support.world import ADMIN, SERVICE, student

pytestmark = [pytest.mark.integration,
              pytest.mark.parametrize("sql_engine", ["sqlite", "postgres"], indirect=True)]

AT_ONCE, LIMIT = 20, 5
ADDRESS = "203.0.113.9"


async def risk_world(engine, rule_id: str, **changes: object) -> MoneyBackWorld:  # type: ignore[no-untyped-def]
    world = MoneyBackWorld(uow_factory=SqlUnitOfWorkFactory(engine), risk=True,
                           max_open_checkouts=0)
    async with world.tx._uow_factory() as uow:  # the tables may be empty: ship the defaults
        known = await sql_risk_store(uow).rules()
        for rule in default_rules():
            if rule.id not in known:
                uow.identity.add_new("risk_rules", rule)
        await uow.commit()
    rule = {r.id: r for r in default_rules()}[rule_id]
    change = RuleChange(rule.id, rule.limit, rule.window_s, rule.outcome, rule.enabled,
                        rule.student_message, rule.operator_message)
    await UpdateRiskRule(world.tx, world.risk_guard, world.clock)(
        ADMIN, replace(change, **changes))
    return world


async def scalar(engine, statement) -> int:  # type: ignore[no-untyped-def]
    async with engine.connect() as conn:
        return int((await conn.execute(statement)).scalar_one())


async def checkouts_at_once(world: MoneyBackWorld, students: list[str],
                            address: str | None = None) -> list[object]:
    enrollments = [await world.enrollment(student_id=s) for s in students]
    return await asyncio.wait_for(asyncio.gather(*(
        world.start_payment(StartPaymentCommand(student(e.student_id), e.id,
                                                f"key-{e.id}-00000000", address))
        for e in enrollments), return_exceptions=True), timeout=120)


def assert_exactly_the_limit_passed(results: list[object]) -> None:
    passed = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(passed) == LIMIT
    assert all(isinstance(r, RiskBlocked) for r in refused), refused


async def assert_one_flag(engine, rule_id: str) -> None:  # type: ignore[no-untyped-def]
    t = RiskFlagRow.__table__  # type: ignore[attr-defined]
    assert await scalar(engine, select(func.count()).select_from(t)
                        .where(t.c.rule_id == rule_id)) == 1


async def test_twenty_checkouts_of_one_student_at_the_limit(sql_engine):
    world = await risk_world(sql_engine, CHECKOUTS_PER_STUDENT, limit=LIMIT)
    results = await checkouts_at_once(world, ["stu-1"] * AT_ONCE)
    assert_exactly_the_limit_passed(results)
    p = PaymentRow.__table__  # type: ignore[attr-defined]
    assert await scalar(sql_engine, select(func.count()).select_from(p)) == LIMIT
    c = RiskCounterRow.__table__  # type: ignore[attr-defined]
    assert await scalar(sql_engine, select(c.c.count).where(
        c.c.rule_id == CHECKOUTS_PER_STUDENT)) == LIMIT
    await assert_one_flag(sql_engine, CHECKOUTS_PER_STUDENT)


async def test_twenty_students_behind_one_address_at_the_limit(sql_engine):
    world = await risk_world(sql_engine, CHECKOUTS_PER_ADDRESS, limit=LIMIT)
    results = await checkouts_at_once(world, [f"stu-{i}" for i in range(AT_ONCE)], ADDRESS)
    assert_exactly_the_limit_passed(results)
    await assert_one_flag(sql_engine, CHECKOUTS_PER_ADDRESS)


async def test_twenty_new_students_behind_one_address_at_the_limit(sql_engine):
    world = await risk_world(sql_engine, STUDENTS_PER_ADDRESS, limit=LIMIT,
                             outcome=RiskOutcome.BLOCK)
    results = await checkouts_at_once(world, [f"stu-{i}" for i in range(AT_ONCE)], ADDRESS)
    assert_exactly_the_limit_passed(results)
    c = RiskCounterRow.__table__  # type: ignore[attr-defined]
    assert await scalar(sql_engine, select(c.c.count).where(
        c.c.rule_id == STUDENTS_PER_ADDRESS, c.c.subject == ADDRESS)) == LIMIT
    await assert_one_flag(sql_engine, STUDENTS_PER_ADDRESS)


async def test_twenty_declines_at_once_are_all_counted_and_block_the_next_checkouts(sql_engine):
    world = await risk_world(sql_engine, DECLINES_PER_STUDENT, limit=LIMIT)
    payments = [p for p in await checkouts_at_once(world, ["stu-1"] * AT_ONCE)]
    for p in payments:
        world.gateway.settle(p.paylink_id, GatewayStatus.FAILURE,  # type: ignore[attr-defined]
                             failure_code="payment_declined")
    results = await asyncio.wait_for(asyncio.gather(*(
        world.verify_payment(ADMIN, p.id) for p in payments),  # type: ignore[attr-defined]
        return_exceptions=True), timeout=120)
    assert [r for r in results if isinstance(r, BaseException)] == []
    c = RiskCounterRow.__table__  # type: ignore[attr-defined]
    assert await scalar(sql_engine, select(func.count()).select_from(c).where(
        c.c.rule_id == DECLINES_PER_STUDENT)) == AT_ONCE  # one mark per declined payment
    refused = await checkouts_at_once(world, ["stu-1"] * 3)
    assert all(isinstance(r, RiskBlocked) for r in refused)
    await assert_one_flag(sql_engine, DECLINES_PER_STUDENT)


async def test_twenty_refunds_at_once_after_most_of_the_course_are_all_blocked(sql_engine):
    world = await risk_world(sql_engine, REFUND_AFTER_PROGRESS, outcome=RiskOutcome.BLOCK)
    enrollment, paid = await world.paid()
    await ReportProgress(world.tx, world.risk_guard, world.clock)(SERVICE, enrollment.id, 90)
    results = await asyncio.wait_for(asyncio.gather(*(
        world.refund(paid.id, amount=100, key=f"refund-key-{i:08d}") for i in range(AT_ONCE)),
        return_exceptions=True), timeout=120)
    assert all(isinstance(r, RiskBlocked) for r in results), results
    async with world.tx._uow_factory() as uow:
        assert (await uow.payments.get(paid.id)).reserved_minor == 0  # type: ignore[union-attr]
        assert await uow.refunds.for_payment(paid.id) == []
    await assert_one_flag(sql_engine, REFUND_AFTER_PROGRESS)
