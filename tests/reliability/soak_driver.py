"""Students checking out through the live stack while the gateway misbehaves.

Flows run in waves, at most `concurrency` requests at once: every flow of a wave opens
its checkout (retrying with the same Idempotency-Key, as a browser would), then the
wave's settles run grouped by callback fault (the simulator's switches are global),
each racing the student's own "verify", and held (reordered) callbacks are flushed
newest first at the end of the wave.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from adapters.system.clock import FixedClock
from tests.reliability.soak_plan import CALLBACK_SWITCHES, FlowPlan, SoakPlan
from tests.support.live_stack import LiveStack

CHECKOUT_ATTEMPTS = 3


@dataclass
class SoakDriver:
    stack: LiveStack
    plan: SoakPlan
    clock: FixedClock
    concurrency: int = 20
    wave: int = 200
    payments: dict[int, dict[str, Any]] = field(default_factory=dict)
    answers: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._gate = asyncio.Semaphore(self.concurrency)

    async def _call(self, method: str, path: str, **kw: Any) -> tuple[int, Any]:
        async with self._gate:
            status, body = await self.stack.call(method, path, **kw)
        what = "verify" if path.endswith("/verify") else path.rsplit("/", 1)[-1]
        self.answers[f"{what} {status}"] += 1
        return status, body

    async def run(self) -> None:
        flows = self.plan.flows
        for start in range(0, len(flows), self.wave):
            await self._wave(flows[start:start + self.wave])
            self.clock.advance(seconds=1)

    async def _wave(self, flows: list[FlowPlan]) -> None:
        await asyncio.gather(*(self._open_checkout(f) for f in flows))
        for mode, switches in CALLBACK_SWITCHES.items():
            group = [f for f in flows if f.callback == mode and f.number in self.payments]
            if not group:
                continue
            await self.stack.control.set_faults(**{**CALLBACK_SWITCHES["normal"], **switches})
            await asyncio.gather(*(self._student_returns(f) for f in group))
        await self.stack.control.set_faults(**CALLBACK_SWITCHES["normal"])
        await self.stack.control.flush_callbacks()

    async def _open_checkout(self, flow: FlowPlan) -> None:
        student = f"soak-{flow.number:06d}"
        status, enrollment = await self._call(
            "POST", "/api/v1/enrollments", headers=self.stack.auth("platform", "service"),
            json={"student_id": student, "course_id": "reliability-101",
                  "price": {"amount": flow.amount, "currency": "ZAR"}})
        assert status == 201, enrollment
        headers = {**self.stack.auth(student), "Idempotency-Key": f"soak-checkout-{flow.number:08d}"}
        for _ in range(CHECKOUT_ATTEMPTS):
            status, payment = await self._call(
                "POST", "/api/v1/payments", json={"enrollment_id": enrollment["id"]},
                headers=headers)
            if status in (200, 201):
                self.payments[flow.number] = payment
                return
            assert status in (502, 503, 504), (status, payment)

    async def _student_returns(self, flow: FlowPlan) -> None:
        payment = self.payments[flow.number]
        if flow.outcome != "abandon":
            async with self._gate:
                await self.stack.control.settle(payment["gateway_reference"], flow.outcome)
        if flow.verify:
            status, body = await self._call(
                "POST", f"/api/v1/payments/{payment['id']}/verify",
                headers=self.stack.auth(f"soak-{flow.number:06d}"))
            assert status in (200, 502, 503, 504), (status, body)
