"""The invariant checker finds nothing on a healthy history and finds each kind of
corruption we plant (a checker that cannot fail proves nothing)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from domain.gateway_report import GatewayStatus
from tests.reliability.invariants import all_violations
from tests.support.world import World, student

pytestmark = [pytest.mark.integration,
              pytest.mark.parametrize("sql_engine", ["sqlite", "postgres"], indirect=True)]


async def healthy_history(engine) -> World:
    world = World(uow_factory=SqlUnitOfWorkFactory(engine))
    for i, outcome in enumerate([GatewayStatus.SUCCESS, GatewayStatus.FAILURE, None]):
        enrollment = await world.enrollment(student_id=f"stu-{i}")
        payment = await world.checkout(enrollment, key=f"checker-self-{i:06d}")
        if outcome:
            world.gateway.settle(payment.paylink_id, outcome)
            await world.verify_payment(student(f"stu-{i}"), payment.id)
    async with engine.begin() as conn:  # nothing waits in inbox or outbox in this history
        await conn.execute(text("UPDATE outbox SET relayed_at = created_at"))
    return world


async def test_a_healthy_history_has_no_violations(sql_engine):
    world = await healthy_history(sql_engine)
    gateway = {pl: link.status.value for pl, link in world.gateway.paylinks.items()}
    assert await all_violations(sql_engine, gateway=gateway) == []


@pytest.mark.parametrize("corruption,expected", [
    ("UPDATE payments SET status = 'pending' WHERE status = 'succeeded'", "audit ends at"),
    ("DELETE FROM audit_entries WHERE to_status = 'pending' AND entity = 'payment'",
     "but it was"),
    ("INSERT INTO audit_entries (at, actor, entity, entity_id, action, from_status, to_status)"
     " SELECT at, actor, entity, entity_id, action, from_status, to_status FROM audit_entries"
     " WHERE entity = 'enrollment' AND to_status = 'active'", "activated 2 times"),
    ("UPDATE payments SET refunded_minor = 1 WHERE status = 'succeeded'", "refunded_minor 1"),
    ("UPDATE outbox SET relayed_at = NULL", "never relayed"),
    ("INSERT INTO refunds (id, payment_id, student_id, amount_minor, currency, reason, status,"
     " created_at, updated_at, version) SELECT 'ref_cut', id, student_id, 1, currency, 'r',"
     " 'pending', created_at, updated_at, 0 FROM payments WHERE status = 'succeeded'",
     "still pending after recovery"),
])
async def test_each_planted_corruption_is_found(sql_engine, corruption, expected):
    await healthy_history(sql_engine)
    async with sql_engine.begin() as conn:
        await conn.execute(text(corruption))
    found = await all_violations(sql_engine)
    assert any(expected in v for v in found), found


async def test_a_lost_callback_and_a_gateway_disagreement_are_found(sql_engine):
    world = await healthy_history(sql_engine)
    gateway = {pl: "SUCCESS" for pl in world.gateway.paylinks}
    found = await all_violations(sql_engine, acknowledged=["pl-never-stored"], gateway=gateway)
    assert any("answered 200 but not stored" in v for v in found)
    assert any("gateway says SUCCESS, we say failed" in v for v in found)
