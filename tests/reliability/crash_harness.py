"""Drive the real server as a subprocess against the simulator, kill it at named crash
points (or with SIGKILL), restart it, redeliver, and hand the database to the checker."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from adapters.simulator.client import SimulatorControl
from entrypoints.http.auth import TokenCodec

APP_ID, APP_SECRET = "crash-app-id", "crash-app-secret-value"
JWT = "reliability-jwt-signing-key-0123456789abcdef"
TOKENS = TokenCodec(JWT)
OUTCOMES = ("pay", "pay", "pay", "decline", "insufficient_funds", "cancel")


def auth(sub: str, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS.mint(sub, role)}"}


@dataclass
class Server:
    port: int
    api_url: str
    database_url: str
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, crash_at: str = "") -> None:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SKILLPAY_", "IKHOKHA_"))}
        env.update({"SKILLPAY_ENV": "test", "SKILLPAY_DATABASE_URL": self.database_url,
                    "SKILLPAY_PUBLIC_URL": self.base, "SKILLPAY_JWT_SECRET": JWT,
                    "SKILLPAY_GATEWAY": "ikhokha", "IKHOKHA_API_URL": self.api_url,
                    "IKHOKHA_APP_ID": APP_ID, "IKHOKHA_APP_SECRET": APP_SECRET,
                    "IKHOKHA_RETRY_DELAY_MS": "0", "SKILLPAY_WORKER_INTERVAL_MS": "100",
                    # a local simulator: a short deadline, so a killed instance's leases
                    # on callbacks end within the run (deadline + 5 s)
                    "IKHOKHA_TIMEOUT_MS": "1500", "IKHOKHA_DEADLINE_MS": "3000",
                    "SKILLPAY_TEST_CRASH_AT": crash_at, "PYTHONPATH": os.getcwd(),
                    # one client (this test) sends every callback and request: no limits
                    "SKILLPAY_RATE_LIMIT_WEBHOOK": "0", "SKILLPAY_RATE_LIMIT_PAYMENTS": "0",
                    "SKILLPAY_RATE_LIMIT_VERIFY": "0",
                    "SKILLPAY_MAX_OPEN_CHECKOUTS": "0"})
        self.process = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(self.port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=30)

    async def wait_ready(self, http: aiohttp.ClientSession) -> bool:
        for _ in range(400):
            if not self.alive():
                return False
            try:
                async with http.get(self.base + "/health/live") as r:
                    if r.status == 200:
                        return True
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
        raise AssertionError("server did not start")


@dataclass
class Driver:
    server: Server
    http: aiohttp.ClientSession
    control: SimulatorControl
    rng: random.Random
    flows: int = 0
    payments: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    broken_flows: int = 0

    async def call(self, method: str, path: str, **kw: Any) -> tuple[int, Any]:
        async with self.http.request(method, self.server.base + path, **kw) as r:
            self.statuses[r.status] += 1
            return r.status, await r.json(content_type=None)

    async def one_flow(self) -> None:
        self.flows += 1
        student = f"stu-{self.flows}"
        status, enrollment = await self.call(
            "POST", "/api/v1/enrollments", headers=auth("platform", "service"),
            json={"student_id": student, "course_id": "c",
                  "price": {"amount": self.rng.choice([49900, 19900, 100]), "currency": "ZAR"}})
        if status != 201:
            return
        key = {"Idempotency-Key": f"reliability-{self.flows:08d}"}
        for _ in range(2):  # a client retry with the same key after a failure
            status, payment = await self.call(
                "POST", "/api/v1/payments", json={"enrollment_id": enrollment["id"]},
                headers={**auth(student, "student"), **key})
            if status in (200, 201):
                break
        else:
            return
        self.payments.append(payment["id"])
        outcome = self.rng.choice(OUTCOMES)
        await self.control.settle(payment["gateway_reference"], outcome)
        if self.rng.random() < 0.3 or outcome == "pay":
            await self.call("POST", f"/api/v1/payments/{payment['id']}/verify",
                            headers=auth(student, "student"))
        if outcome == "pay" and self.rng.random() < 0.5:
            await self.refund(payment)

    async def refund(self, payment: dict[str, Any]) -> None:
        """An admin gives part (or all) back; iKhokha makes it a manual refund that is
        sometimes confirmed with the dashboard's reference."""
        amount = self.rng.randint(1, payment["amount"]["amount"])
        headers = {**auth("ops", "admin"), "Idempotency-Key": f"refund-{payment['id']}"}
        status, refund = await self.call(
            "POST", f"/api/v1/payments/{payment['id']}/refunds", headers=headers,
            json={"amount": amount, "reason": "reliability soak"})
        if status == 201 and self.rng.random() < 0.5:
            await self.call("POST", f"/api/v1/refunds/{refund['id']}/confirm",
                            headers=auth("ops", "admin"),
                            json={"gateway_reference": f"IKR-{refund['id'][-8:]}"})

    async def drive(self, flows: int) -> None:
        """Run flows concurrently until they finish or the server dies under them."""
        async def guarded() -> None:
            try:
                await self.one_flow()
            except (TimeoutError, aiohttp.ClientError, RuntimeError, KeyError):
                self.broken_flows += 1  # the server (or its database) died mid-flow

        await asyncio.gather(*(guarded() for _ in range(flows)))


async def redeliver_everything(driver: Driver) -> set[str]:
    """Replay every callback the simulator ever sent (or tried to); return the paylinks
    whose callback we answered 200 at some point."""
    state = await driver.control.state()
    acknowledged = {c["paylinkID"] for c in state["callbacks"] if c.get("http_status") == 200}
    for callback in state["callbacks"]:
        if "body" not in callback:
            continue
        status, _ = await driver.call("POST", "/webhooks/ikhokha",
                                      data=callback["body"].encode(),
                                      headers=callback["headers"])
        assert status == 200, (status, callback["paylinkID"])
        acknowledged.add(callback["paylinkID"])
    return acknowledged


async def gateway_statuses(control: SimulatorControl) -> dict[str, str]:
    state = await control.state()
    paylinks = state["paylinks"]
    items = paylinks.values() if isinstance(paylinks, dict) else paylinks
    return {p["paylinkID"]: p["status"] for p in items}


async def settle_down(engine: Any, timeout_s: float = 30.0) -> None:
    """Wait until the worker has finished every callback and relayed every event."""
    from tests.reliability.invariants import rows

    for _ in range(int(timeout_s / 0.1)):
        waiting = await rows(engine, "SELECT COUNT(*) AS n FROM webhook_inbox "
                                     "WHERE status NOT IN ('processed', 'orphan')")
        unrelayed = await rows(engine, "SELECT COUNT(*) AS n FROM outbox "
                                       "WHERE relayed_at IS NULL")
        if waiting[0]["n"] == 0 and unrelayed[0]["n"] == 0:
            return
        await asyncio.sleep(0.1)


async def recover_interrupted_refunds(database_url: str) -> int:
    """What the worker does once a refund's lease is over (the lease is taken as spent:
    every request of the run has ended): refunds cut off by a kill need manual action."""
    from datetime import timedelta

    from application.use_cases.recover_refunds import RecoverInterruptedRefunds
    from entrypoints.container import build_container
    from entrypoints.settings import Settings

    container = build_container(Settings.from_env({
        "SKILLPAY_ENV": "test", "SKILLPAY_DATABASE_URL": database_url}))
    try:
        return await RecoverInterruptedRefunds(container.tx(), container.clock(),
                                               lease=timedelta(0))(limit=10_000)
    finally:
        await container.engine().dispose()


async def redeliver_and_check(driver: Driver, database_url: str) -> tuple[set[str], list[str]]:
    """The end of every run: every callback again, every payment verified, the worker
    quiet; then the checker over the database. Returns (acknowledged, violations)."""
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    from tests.reliability.invariants import all_violations

    acknowledged = await redeliver_everything(driver)
    for payment_id in driver.payments:
        await driver.call("POST", f"/api/v1/payments/{payment_id}/verify",
                          headers=auth("ops", "admin"))
    await recover_interrupted_refunds(database_url)
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        await settle_down(engine)
        violations = await all_violations(engine, acknowledged,
                                          await gateway_statuses(driver.control))
    finally:
        await engine.dispose()
    return acknowledged, violations
