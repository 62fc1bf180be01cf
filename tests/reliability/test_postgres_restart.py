"""PostgreSQL itself dies mid-load (`pg_ctl stop -m immediate`, as a power cut would do
it) and comes back: the server recovers without a restart of its own, and after
redelivery every invariant holds.

It stops the machine's PostgreSQL cluster, so it runs only where that is allowed: in CI
(`CI=true`) or with SKILLPAY_ALLOW_PG_RESTART=1, as root with pg_ctlcluster available.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import subprocess
from pathlib import Path

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
from tests.support.skipping import skip_or_fail
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


def cluster() -> list[str]:
    """`pg_ctlcluster VERSION main` for the machine's one cluster, or skip/fail."""
    allowed = os.environ.get("CI") == "true" or os.environ.get("SKILLPAY_ALLOW_PG_RESTART") == "1"
    if not allowed:
        pytest.skip("stops the machine's PostgreSQL: runs in CI or with "
                    "SKILLPAY_ALLOW_PG_RESTART=1")
    versions = sorted(p.name for p in Path("/etc/postgresql").glob("*")) \
        if Path("/etc/postgresql").is_dir() else []
    reason = None
    if shutil.which("pg_ctlcluster") is None or not versions:
        reason = "pg_ctlcluster or /etc/postgresql/<version> is missing"
    elif os.geteuid() != 0:
        reason = "stopping PostgreSQL needs root"
    if reason:
        skip_or_fail(reason, "SKILLPAY_REQUIRE_POSTGRES")
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main"]


async def power_cut(command: list[str]) -> None:
    def cut() -> None:
        subprocess.run([*command, "stop", "-m", "immediate"], check=True, timeout=60)
        subprocess.run([*command, "start"], check=True, timeout=120)
        for _ in range(120):
            ready = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432"],
                                   capture_output=True)
            if ready.returncode == 0:
                return
            subprocess.run(["sleep", "0.5"], check=True)
        raise AssertionError("PostgreSQL did not come back")

    await asyncio.to_thread(cut)


async def test_postgres_killed_mid_load_loses_nothing(scratch_postgres_url):
    command = cluster()
    seed = random.randrange(10**9)
    rng = random.Random(seed)
    async with running_simulator(SimulatorConfig(APP_ID, APP_SECRET)) as sim, \
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as http:
        control = SimulatorControl(sim.base_url, http)
        server = Server(free_port(), sim.api_url, scratch_postgres_url)
        driver = Driver(server, http, control, rng)
        server.start()
        try:
            assert await server.wait_ready(http)
            await driver.drive(flows=10)
            answered = sum(driver.statuses.values())
            load = asyncio.create_task(driver.drive(flows=30))
            # The cut must land with requests in flight: wait for the load to be flowing.
            await wait_until(lambda: sum(driver.statuses.values()) >= answered + 5, 30.0,
                             "the load to be under way")
            await power_cut(command)
            await load
            await driver.drive(flows=10)  # the same server process, after the outage
            assert server.alive(), "the server died with its database"
            _, violations = await redeliver_and_check(driver, scratch_postgres_url)
        finally:
            server.kill()
    answered_503 = driver.statuses[503]
    record("PostgreSQL stopped with -m immediate mid-load", seed=seed,
           payments=len(driver.payments), answered_503_while_down=answered_503,
           answered_500=driver.statuses[500], broken_flows=driver.broken_flows,
           violations=len(violations))
    print(f"postgres power cut: statuses {dict(driver.statuses)}, broken flows "
          f"{driver.broken_flows}")
    assert driver.statuses[500] == 0, "a database outage must never be an internal error"
    assert violations == [], f"seed={seed}: {violations}"
