"""Fault soak: N checkouts through the real iKhokha adapter against a simulator that fails
one answer in five (5xx, 429 + Retry-After, hangs, resets, malformed bodies on create,
status and history) and drops, duplicates, delays or reorders one callback in five.
Then reconciliation (with apply) and the checker repair what they can, and every flow
must end consistent with the gateway (tests/reliability/consistency.py) with every money
invariant intact (tests/reliability/invariants.py).

N: SKILLPAY_SOAK_FLOWS, else 2,000 with CI=true (PostgreSQL), else 150 (SQLite).
SKILLPAY_SOAK_SEED replays a run (the seed is printed and recorded).
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from dependency_injector import providers
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from adapters.ikhokha.breaker import BreakerRegistry
from adapters.system.clock import FixedClock
from tests.reliability import figures
from tests.reliability.consistency import against_gateway
from tests.reliability.crash_harness import settle_down
from tests.reliability.invariants import all_violations
from tests.reliability.soak_driver import SoakDriver
from tests.reliability.soak_plan import SoakPlan
from tests.reliability.soak_recovery import (
    CountingBreaker,
    open_payments,
    reconcile_with_apply,
    recover,
)
from tests.support.live_stack import live_stack

IN_CI = os.environ.get("CI") == "true"
FLOWS = int(os.environ.get("SKILLPAY_SOAK_FLOWS", "2000" if IN_CI else "150"))
pytestmark = [pytest.mark.integration,
              *([pytest.mark.reliability_long] if FLOWS >= 10_000 else [])]
FAST_GATEWAY = {"IKHOKHA_TIMEOUT_MS": "200", "IKHOKHA_DEADLINE_MS": "600",
                "IKHOKHA_RETRY_DELAY_MS": "0", "SKILLPAY_WORKER_INTERVAL_MS": "250",
                "SKILLPAY_ENABLE_PAYMENT_LOGGING": "false"}


@pytest.fixture(params=["postgres"] if IN_CI else ["sqlite"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/soak.db"
    return request.getfixturevalue("scratch_postgres_url")


def paylinks(stack) -> list[dict]:
    return [p.as_status() for p in stack.simulator.state.paylinks.values()]


def callback_figures(state) -> dict[str, int]:
    posts = [c for c in state.callbacks if not c.get("dropped")]
    per_paylink = Counter(c["paylinkID"] for c in posts)
    return {"dropped": sum(1 for c in state.callbacks if c.get("dropped")),
            "posted": len(posts), "answered_200": sum(c["http_status"] == 200 for c in posts),
            "paylinks_called_back_twice_or_more": sum(n > 1 for n in per_paylink.values())}


async def test_every_flow_ends_consistent_with_the_gateway_under_faults(database_url):
    seed = int(os.environ.get("SKILLPAY_SOAK_SEED", random.randrange(10**9)))
    print(f"\nfault soak: {FLOWS} flows, seed={seed} (SKILLPAY_SOAK_SEED={seed} replays)")
    plan, clock = SoakPlan.draw(seed, FLOWS), FixedClock(datetime.now(UTC))
    CountingBreaker.openings = 0

    def configure(container) -> None:
        container.clock.override(providers.Object(clock))
        container.gateway.providers["ikhokha"].add_kwargs(
            breakers=BreakerRegistry(CountingBreaker))

    began = time.monotonic()
    async with live_stack(configure, SKILLPAY_DATABASE_URL=database_url,
                          **FAST_GATEWAY) as stack:
        engine = create_async_engine(database_url, poolclass=NullPool)
        state = stack.simulator.state
        try:
            for chunk in plan.script_chunks():
                await stack.control.set_faults(script=chunk)
            driver = SoakDriver(stack, plan, clock)
            await driver.run()
            await asyncio.gather(*list(state.tasks), return_exceptions=True)
            driving_s = time.monotonic() - began

            async def none_stuck() -> bool:
                return not (await against_gateway(engine, paylinks(stack), final=False))[0]

            reconciliation = await reconcile_with_apply(stack.container, clock)
            checker_rounds = await recover(stack.container, clock, 8, timedelta(hours=1),
                                           none_stuck)
            stuck, _ = await against_gateway(engine, paylinks(stack), final=False)
            clock.advance(hours=24)  # every paylink's lifetime is over

            async def all_closed() -> bool:
                return await open_payments(engine) == 0

            expiry_rounds = await recover(stack.container, clock, FLOWS // 400 + 8,
                                          timedelta(hours=1), all_closed)
            await settle_down(engine)
            problems, outcome = await against_gateway(engine, paylinks(stack))
            acknowledged = {c["paylinkID"] for c in state.callbacks
                            if c.get("http_status") == 200}
            violations = await all_violations(
                engine, acknowledged, {p["paylinkID"]: p["status"] for p in paylinks(stack)})
        finally:
            await engine.dispose()
    measured = {
        "flows": FLOWS, "seed": seed, "database": database_url.split(":")[0],
        "concurrency": driver.concurrency, "elapsed_s": round(time.monotonic() - began, 1),
        "driving_s": round(driving_s, 1), "gateway_requests": dict(state.requests),
        "api_faults_injected": plan.injected(dict(state.requests)),
        "callback_faults_planned": plan.callback_groups(),
        "callbacks": callback_figures(state), "api_answers": dict(sorted(driver.answers.items())),
        "breaker_openings": CountingBreaker.openings,
        "stuck_after_checker": len(stuck), "checker_rounds": checker_rounds,
        "reconciliation": reconciliation, "expiry_rounds": expiry_rounds, **outcome,
        "inconsistent": len(problems), "violations": len(violations)}
    figures.record("Fault soak (real iKhokha adapter, 20% faults)", **measured)
    print(f"\nreliability figures: {measured}")
    calls = measured["callbacks"]
    # every callback the gateway posted is correctly signed: none may be refused (429 at a
    # launch burst, or 5xx), however many arrive at once
    assert calls["answered_200"] == calls["posted"], f"seed={seed}: signed callbacks refused"
    assert stuck == [], f"seed={seed}: the checker left paid/closed payments open: {stuck[:20]}"
    assert problems == [], f"seed={seed}: {problems[:20]}"
    assert violations == [], f"seed={seed}: {violations[:20]}"
    assert await_nothing_open(outcome)


def await_nothing_open(outcome: dict) -> bool:
    states = outcome["final_states"]
    flagged = sum(outcome["flagged_for_review"].values())
    return states.get("created", 0) + states.get("pending", 0) <= flagged
