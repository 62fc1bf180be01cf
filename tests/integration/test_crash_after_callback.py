"""SIGKILL right after a callback was answered 200 loses nothing: after a restart the
worker finishes it from the inbox. Also: the sandbox-style SQLite file keeps its data
across restarts."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from adapters.simulator import SimulatorConfig, running_simulator
from adapters.simulator.client import SimulatorControl
from entrypoints.http.auth import TokenCodec
from tests.support.live_stack import free_port

pytestmark = pytest.mark.integration
APP_ID, APP_SECRET = "crash-app-id", "crash-app-secret-value"
JWT = "crash-test-jwt-signing-key-0123456789abcdef"


def start_server(port: int, api_url: str, db: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKILLPAY_", "IKHOKHA_"))}
    env.update({"SKILLPAY_ENV": "test", "SKILLPAY_DATABASE_URL": f"sqlite+aiosqlite:///{db}",
                "SKILLPAY_PUBLIC_URL": f"http://127.0.0.1:{port}", "SKILLPAY_JWT_SECRET": JWT,
                "SKILLPAY_GATEWAY": "ikhokha", "IKHOKHA_API_URL": api_url,
                "IKHOKHA_APP_ID": APP_ID, "IKHOKHA_APP_SECRET": APP_SECRET,
                "IKHOKHA_RETRY_DELAY_MS": "0", "IKHOKHA_RETRY_ATTEMPTS": "1",
                "SKILLPAY_WORKER_INTERVAL_MS": "200", "PYTHONPATH": os.getcwd(),
                # a callback taken by the killed instance is free again after its lease
                # (the gateway deadline + 5 s)
                "IKHOKHA_TIMEOUT_MS": "1000", "IKHOKHA_DEADLINE_MS": "2000"})
    return subprocess.Popen([sys.executable, "-m", "entrypoints.cli", "serve", "--port",
                             str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, text=True)


async def wait_ready(http: aiohttp.ClientSession, base: str) -> None:
    for _ in range(300):
        try:
            async with http.get(base + "/health/live") as r:
                if r.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("server did not start")


async def test_sigkill_after_a_200_callback_loses_nothing(tmp_path: Path) -> None:
    tokens = TokenCodec(JWT)
    svc = {"Authorization": f"Bearer {tokens.mint('platform', 'service')}"}
    stu = {"Authorization": f"Bearer {tokens.mint('stu-1', 'student')}"}
    async with running_simulator(SimulatorConfig(APP_ID, APP_SECRET)) as sim, \
            aiohttp.ClientSession() as http:
        control = SimulatorControl(sim.base_url, http)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(port, sim.api_url, tmp_path / "pay.db")
        try:
            await wait_ready(http, base)
            async with http.post(base + "/api/v1/enrollments", headers=svc, json={
                    "student_id": "stu-1", "course_id": "c",
                    "price": {"amount": 49900, "currency": "ZAR"}}) as r:
                enrollment = await r.json()
            async with http.post(base + "/api/v1/payments", json={
                    "enrollment_id": enrollment["id"]},
                    headers={**stu, "Idempotency-Key": "crash-test-key-0001"}) as r:
                payment = await r.json()
            # The status call fails, so processing cannot finish before we kill it.
            await control.set_faults(script={"status": [{"kind": "error", "status": 500}] * 50})
            await control.settle(payment["gateway_reference"], "pay")
            delivered = [c for c in (await control.state())["callbacks"] if c.get("delivered")]
            assert [c["http_status"] for c in delivered] == [200]
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=10)
        finally:
            if server.poll() is None:
                server.kill()
        await control.set_faults(clear=True)
        server = start_server(port, sim.api_url, tmp_path / "pay.db")
        try:
            await wait_ready(http, base)
            status = None
            for _ in range(150):
                async with http.get(f"{base}/api/v1/enrollments/{enrollment['id']}",
                                    headers=stu) as r:
                    status = (await r.json())["status"]
                if status == "active":
                    break
                await asyncio.sleep(0.1)
            assert status == "active"
            async with http.get(f"{base}/api/v1/payments/{payment['id']}", headers=stu) as r:
                assert (await r.json())["status"] == "succeeded"
        finally:
            server.terminate()
            server.wait(timeout=10)
