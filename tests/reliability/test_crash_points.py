"""Kill the server at random named crash points (and with SIGKILL) under load, restart,
redeliver: every money invariant still holds over the final database.

CI (`CI=true`) runs at least 50 kill points on PostgreSQL; elsewhere a shorter run on
SQLite keeps `make test` quick. SKILLPAY_CRASH_RUNS overrides the count and
SKILLPAY_CRASH_SEED replays a failing run (the seed is printed on failure).
"""

from __future__ import annotations

import os
import random

import aiohttp
import pytest

from adapters.simulator import SimulatorConfig, running_simulator
from adapters.simulator.client import SimulatorControl
from tests.reliability.crash_harness import (
    APP_ID,
    APP_SECRET,
    Driver,
    Server,
    redeliver_and_check,
)
from tests.reliability.figures import record
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
            acknowledged, violations = await redeliver_and_check(driver, database_url)
        finally:
            server.kill()
    print(f"crash soak seed={seed}: {len(driver.payments)} payments, kills "
          f"{ {p: kills.count(p) for p in POINTS} }")
    record("Crash points (server killed under load, restarted, redelivered)",
           engine=database_url.split("+", 1)[0], seed=seed, kill_points=len(kills),
           **{f"kills at {p}": kills.count(p) for p in POINTS},
           payments=len(driver.payments), callbacks_acknowledged=len(acknowledged),
           violations=len(violations))
    assert len(kills) == runs
    assert violations == [], f"seed={seed} kills={kills}: {violations}"
