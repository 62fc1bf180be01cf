"""Kill the server at random named crash points (and with SIGKILL) under load, restart,
redeliver: every money invariant still holds over the final database.

CI (`CI=true`) runs at least 50 kill points on PostgreSQL; elsewhere a shorter run on
SQLite keeps `make test` quick. SKILLPAY_CRASH_RUNS overrides the count and
SKILLPAY_CRASH_SEED replays a failing run (the seed is printed on failure).
"""

from __future__ import annotations

import asyncio
import os
import random

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from adapters.simulator import SimulatorConfig, running_simulator
from adapters.simulator.client import SimulatorControl
from tests.reliability.crash_harness import (
    APP_ID,
    APP_SECRET,
    Driver,
    Server,
    auth,
    gateway_statuses,
    redeliver_everything,
)
from tests.reliability.invariants import all_violations, rows
from tests.support.live_stack import free_port

pytestmark = pytest.mark.integration
POINTS = ("after_inbox_commit", "before_commit", "after_relay_publish", "inside_refund",
          "sigkill")
IN_CI = os.environ.get("CI") == "true"


@pytest.fixture(params=["postgres"] if IN_CI else ["sqlite"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/crash.db"
    return request.getfixturevalue("scratch_postgres_url")


async def settle_down(engine, timeout_s: float = 30.0) -> None:
    for _ in range(int(timeout_s / 0.1)):
        waiting = await rows(engine, "SELECT COUNT(*) AS n FROM webhook_inbox "
                                     "WHERE status NOT IN ('processed', 'orphan')")
        unrelayed = await rows(engine, "SELECT COUNT(*) AS n FROM outbox "
                                       "WHERE relayed_at IS NULL")
        if waiting[0]["n"] == 0 and unrelayed[0]["n"] == 0:
            return
        await asyncio.sleep(0.1)


async def test_random_kill_points_keep_every_invariant(database_url):
    runs = int(os.environ.get("SKILLPAY_CRASH_RUNS", "50" if IN_CI else "8"))
    seed = int(os.environ.get("SKILLPAY_CRASH_SEED", random.randrange(10**9)))
    rng = random.Random(seed)
    kills: list[str] = []
    async with running_simulator(SimulatorConfig(APP_ID, APP_SECRET)) as sim, \
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as http:
        control = SimulatorControl(sim.base_url, http)
        server = Server(free_port(), sim.api_url, database_url)
        driver = Driver(server, http, control, rng)
        for _ in range(runs):
            point = rng.choice(POINTS)
            server.start("" if point == "sigkill" else f"{point}:{rng.randint(1, 8)}")
            if await server.wait_ready(http):
                await driver.drive(flows=rng.randint(2, 5))
            kills.append(point if not server.alive() else "sigkill")
            server.kill()
        server.start()
        try:
            assert await server.wait_ready(http)
            acknowledged = await redeliver_everything(driver)
            for payment_id in driver.payments:
                await driver.call("POST", f"/api/v1/payments/{payment_id}/verify",
                                  headers=auth("ops", "admin"))
            engine = create_async_engine(database_url, poolclass=NullPool)
            try:
                await settle_down(engine)
                violations = await all_violations(engine, acknowledged,
                                                  await gateway_statuses(control))
            finally:
                await engine.dispose()
        finally:
            server.kill()
    print(f"crash soak seed={seed}: {len(driver.payments)} payments, kills "
          f"{ {p: kills.count(p) for p in POINTS} }")
    assert len(kills) == runs
    assert violations == [], f"seed={seed} kills={kills}: {violations}"
