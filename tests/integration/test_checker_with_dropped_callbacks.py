"""With every callback dropped by the simulator, the checker still unlocks every paid
course within its interval (injected clock: no real waiting)."""

import aiohttp
import pytest

from adapters.ikhokha import IkhokhaGateway
from adapters.simulator import SimulatorConfig, running_simulator
from adapters.simulator.client import SimulatorControl
from adapters.system.clock import FixedClock
from domain.enrollment import EnrollmentStatus
from domain.payment import PaymentStatus
from tests.support.world import START, World

pytestmark = pytest.mark.integration
APP_ID, SECRET = "checker-app", "checker-app-secret"


async def test_every_paid_payment_is_active_within_one_checker_interval():
    async with running_simulator(SimulatorConfig(APP_ID, SECRET)) as sim, \
            aiohttp.ClientSession() as http:
        control = SimulatorControl(sim.base_url, http)
        await control.set_faults(callback_drop=True)
        clock = FixedClock(START)
        gateway = IkhokhaGateway(base_url=sim.api_url, app_id=APP_ID, app_secret=SECRET,
                                 retry_delay_ms=0, clock=clock)
        world = World(clock=clock, real_gateway=gateway)
        outcomes = ["pay", "pay", "decline", "pay", "cancel", None]
        payments = []
        for i, outcome in enumerate(outcomes):
            enrollment = await world.enrollment(student_id=f"stu-{i}")
            payment = await world.checkout(enrollment, key=f"dropped-callback-{i:04d}")
            payments.append((enrollment, payment, outcome))
            if outcome:
                await control.settle(payment.paylink_id, outcome)
        state = await control.state()
        assert all(c.get("dropped") for c in state["callbacks"])
        assert all(world.payment_row(p.id).status is PaymentStatus.PENDING
                   for _, p, _ in payments)

        world.clock.advance(minutes=2)  # the minimum age: one checker interval
        await world.check_pending()

        expected = {"pay": PaymentStatus.SUCCEEDED, "decline": PaymentStatus.FAILED,
                    "cancel": PaymentStatus.CANCELLED, None: PaymentStatus.PENDING}
        for enrollment, payment, outcome in payments:
            assert world.payment_row(payment.id).status is expected[outcome], outcome
            unlocked = world.enrollment_row(enrollment.id).status is EnrollmentStatus.ACTIVE
            assert unlocked == (outcome == "pay")
        await gateway.aclose()
