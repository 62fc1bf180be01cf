"""Two API instances and a worker on one PostgreSQL and one Redis.

Checkouts alternate between the instances (so the gateway calls each one back); every
callback is then replayed to the *other* instance while students and an admin press
"verify" on both at once. Effects must happen exactly once (one activation per paid
payment, one audit entry per change: tests/reliability/invariants.py) and every live
event must reach admin subscribers on BOTH instances (each relay publishes through
Redis; delivery is at least once, so duplicates are counted, not refused).
Skips without PostgreSQL or Redis unless SKILLPAY_REQUIRE_POSTGRES/REDIS=1.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from contextlib import AsyncExitStack

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from adapters.simulator import SimulatorConfig, running_simulator
from adapters.simulator.client import SimulatorControl
from adapters.sql.outbox import decode_event
from application.event_payload import ADMIN_CHANNEL, event_payload
from entrypoints.background import BackgroundWork
from entrypoints.container import build_container
from entrypoints.http.auth import TokenCodec
from entrypoints.storage import close_storage
from tests.integration.test_live_updates import REDIS_URL, redis_available
from tests.reliability import figures
from tests.reliability.consistency import against_gateway
from tests.reliability.crash_harness import settle_down
from tests.reliability.invariants import all_violations, rows
from tests.support.live_stack import (
    APP_ID,
    APP_SECRET,
    client_session,
    free_port,
    serving,
    stack_settings,
)
from tests.support.sse import SseStream, probe_until
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration
JWT = "two-instances-jwt-signing-key-0123456789abcdef"
TOKENS = TokenCodec(JWT)
PAYMENTS = 30
OUTCOMES = ("pay", "pay", "pay", "decline", "cancel")


def auth(sub: str, role: str = "student") -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS.mint(sub, role)}"}


async def call(http, base: str, method: str, path: str, **kw) -> tuple[int, dict]:
    async with http.request(method, base + path, **kw) as r:
        return r.status, await r.json(content_type=None)


async def watch(http, base: str, seen: Counter) -> None:
    """An admin's SSE stream on one instance; counts event ids until cancelled."""
    async with http.get(f"{base}/api/v1/events", params={"access_token": TOKENS.mint(
            "ops", "admin")}, timeout=aiohttp.ClientTimeout(total=None)) as response:
        assert response.status == 200
        stream = SseStream(response)
        assert (await stream.next_event())[0] == "ready"
        while True:
            _, event = await stream.next_event(timeout=3600)
            seen[event["id"]] += 1


async def one_payment(http, bases: list[str], control, n: int) -> None:
    home, other = bases[n % 2], bases[(n + 1) % 2]
    student = f"two-{n:04d}"
    status, enrollment = await call(
        http, home, "POST", "/api/v1/enrollments", headers=auth("platform", "service"),
        json={"student_id": student, "course_id": "c-two",
              "price": {"amount": 19900, "currency": "ZAR"}})
    assert status == 201, enrollment
    status, payment = await call(
        http, home, "POST", "/api/v1/payments", json={"enrollment_id": enrollment["id"]},
        headers={**auth(student), "Idempotency-Key": f"two-instances-{n:08d}"})
    assert status == 201, payment
    await control.settle(payment["gateway_reference"], OUTCOMES[n % len(OUTCOMES)])
    verifies = [call(http, base, "POST", f"/api/v1/payments/{payment['id']}/verify",
                     headers=who) for base in bases for who in (auth(student), auth("ops",
                                                                                     "admin"))]
    answers = await asyncio.gather(*verifies)
    assert all(s == 200 for s, _ in answers), answers
    await call(http, other, "GET", f"/api/v1/payments/{payment['id']}", headers=auth(student))


async def _cancel_all(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def replay_to_other_instance(http, control, bases: list[str]) -> int:
    state = await control.state()
    replayed = 0
    for callback in state["callbacks"]:
        target = next(b for b in bases if not callback["url"].startswith(b))
        status, _ = await call(http, target, "POST", "/webhooks/ikhokha",
                               data=callback["body"].encode(), headers=callback["headers"])
        assert status == 200
        replayed += 1
    return replayed


async def test_two_instances_and_a_worker_have_exactly_once_effects_and_shared_events(
        scratch_postgres_url):
    redis_available()
    began = time.monotonic()
    env = {"SKILLPAY_DATABASE_URL": scratch_postgres_url, "REDIS_URL": REDIS_URL,
           "SKILLPAY_JWT_SECRET": JWT, "SKILLPAY_WORKER_INTERVAL_MS": "200",
           # one test client verifies every payment as "ops" on both instances: no limit
           "SKILLPAY_RATE_LIMIT_VERIFY": "0"}
    async with running_simulator(SimulatorConfig(APP_ID, APP_SECRET)) as sim, \
            client_session(timeout=aiohttp.ClientTimeout(total=30)) as http, \
            AsyncExitStack() as stack:
        control = SimulatorControl(sim.base_url, http)
        ports = [free_port()]
        while len(ports) < 2:  # a closed probe socket's port can come back at once
            ports = list(dict.fromkeys([*ports, free_port()]))
        containers = []
        for port in ports:  # one after the other: the first one migrates the database
            containers.append(build_container(stack_settings(sim, port, env)))
            await stack.enter_async_context(serving(containers[-1], port))
        worker_container = build_container(stack_settings(sim, free_port(), env))
        worker = BackgroundWork(worker_container)
        await worker.start()
        stack.push_async_callback(close_storage, worker_container)
        stack.push_async_callback(worker_container.gateway().aclose)
        stack.push_async_callback(worker.stop)
        bases = [f"http://127.0.0.1:{p}" for p in ports]
        seen = [Counter(), Counter()]
        watchers = [asyncio.create_task(watch(http, b, s)) for b, s in zip(bases, seen, strict=True)]
        # Open event streams keep a server from shutting down: whatever happens, end them.
        stack.push_async_callback(_cancel_all, watchers)
        # Both admin streams are live once a probe published on one instance reached both.
        await probe_until(containers[0].channels(), ADMIN_CHANNEL, lambda: wait_until(
            lambda: all(any(i.startswith("probe-") for i in s) for s in seen),
            what="a probe on both admin streams"))
        await asyncio.gather(*(one_payment(http, bases, control, n) for n in range(PAYMENTS)))
        replayed = await replay_to_other_instance(http, control, bases)
        engine = create_async_engine(scratch_postgres_url, poolclass=NullPool)
        try:
            await settle_down(engine)
            expected = {event_payload(decode_event(r["name"], r["payload"]))["id"]
                        for r in await rows(engine, "SELECT name, payload FROM outbox")}
            try:  # the assertion below names what is missing
                await wait_until(lambda: all(expected <= set(s) for s in seen), 10.0)
            except AssertionError:
                pass
            for watcher in watchers:
                watcher.cancel()
            await asyncio.gather(*watchers, return_exceptions=True)
            paylinks = [p.as_status() for p in sim.state.paylinks.values()]
            acknowledged = {c["paylinkID"] for c in sim.state.callbacks
                            if c.get("http_status") == 200}
            violations = await all_violations(
                engine, acknowledged, {p["paylinkID"]: p["status"] for p in paylinks})
            problems, outcome = await against_gateway(engine, paylinks)
        finally:
            await engine.dispose()
    seen = [Counter({i: n for i, n in s.items() if not i.startswith("probe-")}) for s in seen]
    missing = [sorted(expected - set(s))[:5] for s in seen]
    measured = {
        "payments": PAYMENTS, "instances": 2, "workers": 1, "callbacks_replayed": replayed,
        "events": len(expected), "seen_per_instance": [len(set(s)) for s in seen],
        "duplicate_deliveries_per_instance": [sum(s.values()) - len(s) for s in seen],
        **outcome, "violations": len(violations) + len(problems),
        "elapsed_s": round(time.monotonic() - began, 1)}
    figures.record("Two API instances and a worker (PostgreSQL + Redis)", **measured)
    print(f"\nreliability figures: {measured}")
    assert violations == [] and problems == [], (violations, problems)
    assert missing == [[], []], f"events not seen on an instance: {missing}"
