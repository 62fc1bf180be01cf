"""After the storm: the product's own repair paths, on an injected clock.

The checker and the callback retry are the container's use-cases (what the worker runs);
the clock jumps past each checker interval instead of anyone waiting. The gateway keeps
its faults on: repair has to work while it still misbehaves.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from adapters.ikhokha.breaker import CircuitBreaker
from adapters.system.clock import FixedClock
from application.actor import Actor, Role
from application.use_cases.reconcile import ReconcileCommand
from entrypoints.container import Container
from tests.reliability.invariants import rows

BREAKER_RESET_S = 0.3


class CountingBreaker(CircuitBreaker):
    """The adapter's breaker with a short open period; counts how often it opened."""

    openings = 0

    def __init__(self) -> None:
        super().__init__(reset_after_s=BREAKER_RESET_S)

    def record_failure(self, code: str) -> None:
        was_closed = self.opened_at is None
        super().record_failure(code)
        if was_closed and self.opened_at is not None:
            CountingBreaker.openings += 1


async def recover(container: Container, clock: FixedClock, rounds: int, step: timedelta,
                  done: Callable[[], Awaitable[bool]]) -> int:
    """Checker rounds (clock moved by `step` before each) until `done`; returns rounds."""
    checker, retry = container.check_pending(), container.retry_callbacks()
    for n in range(1, rounds + 1):
        clock.advance(seconds=step.total_seconds())
        await retry(limit=100_000, grace=timedelta(0))
        run = await checker()
        if await done():
            return n
        if run.failed:
            await asyncio.sleep(BREAKER_RESET_S)  # an open breaker half-opens meanwhile
    return rounds


async def reconcile_with_apply(container: Container, clock: FixedClock,
                               attempts: int = 20) -> dict[str, Any]:
    """An admin's reconciliation with `apply`, retried while history calls fail."""
    today = clock.now().date()
    command = ReconcileCommand(Actor("ops", Role.ADMIN), today - timedelta(days=2),
                               today + timedelta(days=1), apply=True)
    for attempt in range(1, attempts + 1):
        try:
            report = await container.reconcile()(command)
        except Exception as failure:  # the history call failed: the admin tries again
            last = f"{getattr(failure, 'code', type(failure).__name__)}: {failure}"
            await asyncio.sleep(BREAKER_RESET_S)
            continue
        return {"attempts": attempt, "repaired": report.repaired_count,
                "flagged": report.flagged_count,
                "counts": {k: v for k, v in report.counts.items() if v}}
    raise AssertionError(f"reconciliation never got the history: {last}")


async def open_payments(engine: Any) -> int:
    found = await rows(engine, "SELECT COUNT(*) AS n FROM payments WHERE status IN "
                               "('created', 'pending') AND review_reason IS NULL")
    return int(found[0]["n"])
