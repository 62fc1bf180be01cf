"""An admin reverts an activation; the gateway's test/live switch and its limits."""

from __future__ import annotations

import pytest

from application.errors import Forbidden, InvalidInput, NotFound
from domain.enrollment import EnrollmentStatus
from domain.errors import DomainError
from tests.support.money_back import MoneyBackWorld
from tests.support.world import ADMIN, student

pytestmark = pytest.mark.unit


async def test_an_admin_reverts_an_activation_with_a_recorded_reason():
    world = MoneyBackWorld()
    enrollment, _ = await world.paid()
    reverted = await world.revert_enrollment(ADMIN, enrollment.id, "unlocked by mistake")
    assert reverted.status is EnrollmentStatus.REVOKED
    assert reverted.revoked_reason == "unlocked by mistake"
    [entry] = [e for e in world.store.audit if e.action == "EnrollmentRevoked"]
    assert (entry.actor, entry.from_status, entry.to_status, entry.reason) == (
        "admin:admin-1", "active", "revoked", "unlocked by mistake")
    again = await world.revert_enrollment(ADMIN, enrollment.id, "unlocked by mistake")
    assert again.status is EnrollmentStatus.REVOKED
    assert [e.action for e in world.store.audit].count("EnrollmentRevoked") == 1


async def test_reverting_needs_an_admin_a_reason_and_an_active_enrollment():
    world = MoneyBackWorld()
    enrollment, _ = await world.paid()
    with pytest.raises(Forbidden):
        await world.revert_enrollment(student("stu-1"), enrollment.id, "mine")
    with pytest.raises(InvalidInput) as no_reason:
        await world.revert_enrollment(ADMIN, enrollment.id, " ")
    assert no_reason.value.code == "reason_required"
    with pytest.raises(NotFound):
        await world.revert_enrollment(ADMIN, "enr_missing", "why")
    unpaid = await world.enrollment(student_id="stu-2")
    with pytest.raises(DomainError):
        await world.revert_enrollment(ADMIN, unpaid.id, "never active")


async def test_outside_production_the_mode_switches_both_ways_and_is_audited():
    world = MoneyBackWorld()
    assert world.gateway_mode.current(ADMIN) == "test"
    assert await world.gateway_mode.change(ADMIN, "live") == "live"
    assert world.mode_switch() == "live"
    assert await world.gateway_mode.change(ADMIN, "test") == "test"
    changes = [(e.from_status, e.to_status) for e in world.store.audit
               if e.action == "GatewayModeChanged"]
    assert changes == [("test", "live"), ("live", "test")]


async def test_production_never_switches_to_test():
    world = MoneyBackWorld(production=True)
    assert world.gateway_mode.current(ADMIN) == "live"
    with pytest.raises(InvalidInput) as refused:
        await world.gateway_mode.change(ADMIN, "test")
    assert refused.value.code == "gateway_mode_refused"
    assert world.mode_switch() == "live"


async def test_the_mode_switch_is_for_admins_and_known_modes_only():
    world = MoneyBackWorld()
    with pytest.raises(Forbidden):
        world.gateway_mode.current(student("stu-1"))
    with pytest.raises(InvalidInput):
        await world.gateway_mode.change(ADMIN, "sandbox")


async def test_the_ikhokha_adapter_reads_the_runtime_mode_for_each_paylink():
    from adapters.ikhokha import IkhokhaGateway
    from adapters.system.gateway_mode import RuntimeGatewayMode

    switch = RuntimeGatewayMode(test_mode=True)
    gateway = IkhokhaGateway(base_url="http://127.0.0.1:9/api", app_id="a", app_secret="s",
                             mode_source=switch)
    try:
        assert gateway._mode_source() == "test"
        switch.set("live")
        assert gateway._mode_source() == "live"
    finally:
        await gateway.aclose()
