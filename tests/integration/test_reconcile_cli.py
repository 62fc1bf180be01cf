"""`skillpay reconcile` from the shell, against the simulator over HTTP."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime

import pytest

from application.ports import PaylinkRequest
from domain.money import Money
from tests.integration.conftest import APP_ID, APP_SECRET

pytestmark = pytest.mark.integration


async def skillpay(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "entrypoints.cli", "reconcile", *args,
        env={**os.environ, "PYTHONPATH": os.getcwd(), **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, out.decode(), err.decode()


async def test_the_cli_reports_a_paylink_we_never_recorded(sim, make_gateway, tmp_path):
    gateway = make_gateway()
    orphan = await gateway.create_paylink(PaylinkRequest(
        "pay_orphan", "enr_x", Money(1000, "ZAR"), "", "http://127.0.0.1:1/webhooks/ikhokha",
        "http://x/s", "http://x/f", "http://x/c"))
    env = {"SKILLPAY_ENV": "test", "SKILLPAY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/r.db",
           "SKILLPAY_GATEWAY": "ikhokha", "IKHOKHA_API_URL": sim.api_url,
           "IKHOKHA_APP_ID": APP_ID, "IKHOKHA_APP_SECRET": APP_SECRET}
    today = datetime.now(UTC).date().isoformat()

    code, out, err = await skillpay(env, "--from", today, "--to", today, "--apply")

    assert code == 0, err
    assert "unknown_to_us: 1" in out and "matched: 0" in out and "repaired: 0" in out
    assert "(applied)" in out and orphan.paylink_id not in err


async def test_the_cli_refuses_bad_periods(tmp_path):
    env = {"SKILLPAY_ENV": "test", "SKILLPAY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/r.db"}
    code, _, err = await skillpay(env, "--from", "2026-02-02", "--to", "2026-02-01")
    assert code == 1 and "invalid_date_range" in err
    code, _, err = await skillpay(env, "--from", "yesterday", "--to", "2026-02-01")
    assert code == 2 and "YYYY-MM-DD" in err
