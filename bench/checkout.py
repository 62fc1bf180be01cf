"""Checkout creation: POST /api/v1/payments through `skillpay serve` (PostgreSQL, the
real iKhokha adapter, the simulator as iK Pay) against a bare pooled aiohttp loop
posting the same create-paylink request straight to the simulator.

Each checkout is a new enrollment of its own student (inserted beforehand, outside the
timed window), with a new Idempotency-Key: every request creates a payment, asks the
simulator for a paylink and stores it. Rounds alternate between the two subjects.

    python -m bench.checkout [--seconds 10] [--rounds 3] [--connections 32]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import secrets
import subprocess
from datetime import UTC, datetime, timedelta

import asyncpg

from bench.stack import (
    JWT_SECRET,
    Load,
    asyncpg_dsn,
    base_env,
    free_port,
    interleave,
    load,
    python,
    raw_request,
    report,
    running,
    scratch_postgres,
    serve,
    simulator,
)

_SERIAL = itertools.count()


async def insert_enrollments(url: str, count: int) -> list[tuple[str, str]]:
    tag, now = secrets.token_hex(3), datetime.now(UTC)
    rows = []
    for _ in range(count):
        n = next(_SERIAL)
        rows.append((f"enr_b{tag}{n}", f"stu_b{tag}{n}", "course-bench", 49900, "ZAR",
                     "pending_payment", now, now, 1))
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.executemany(
            "INSERT INTO enrollments (id, student_id, course_id, price_minor, currency, "
            "status, created_at, updated_at, version) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
            rows)
    finally:
        await conn.close()
    return [(r[0], r[1]) for r in rows]


def checkout_requests(port: int, url: str, count: int) -> list[bytes]:
    from entrypoints.http.auth import TokenCodec

    tokens = TokenCodec(JWT_SECRET)
    out = []
    for enrollment_id, student in asyncio.run(insert_enrollments(url, count)):
        body = json.dumps({"enrollment_id": enrollment_id}).encode()
        out.append(raw_request("POST", "/api/v1/payments", port, body, {
            "Authorization": "Bearer " + tokens.mint(student, "student", timedelta(hours=2)),
            "Idempotency-Key": f"bench-{secrets.token_hex(8)}",
            "Content-Type": "application/json"}))
    return out


def bare_loop(sim_port: int, seconds: float, connections: int) -> Load:
    run = subprocess.run([python(), "-m", "bench.bare_checkout", str(sim_port), str(seconds),
                          str(connections)], capture_output=True, text=True, check=True,
                         env=base_env())
    data = json.loads(run.stdout.strip().splitlines()[-1])
    return Load(data["requests"], data["seconds"], data["p50"], data["p99"], data["errors"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--per-second", type=int, default=1500,
                        help="enrollments prepared per second of load")
    args = parser.parse_args()
    sim_port, app_port = free_port(), free_port()
    with scratch_postgres() as db, running(simulator(sim_port),
                                           serve("serve", app_port, db, sim_port)) as (_, app):
        count = int(args.per_second * args.seconds)

        def through_app(window: float):  # type: ignore[no-untyped-def]
            def measure(_round: int) -> Load:
                return load(app_port, checkout_requests(app_port, db, count), seconds=window,
                            connections=args.connections, cpu_pids=[app.pid])
            return measure

        print("checkout: warming up")
        through_app(2)(0)
        bare_loop(sim_port, 2, args.connections)
        results = interleave(args.rounds, {
            "skillpay serve POST /payments": through_app(args.seconds),
            "bare aiohttp loop to simulator":
                lambda _r: bare_loop(sim_port, args.seconds, args.connections)})
    report("checkout: created through the real adapter", results,
           "bare aiohttp loop to simulator",
           {"connections": args.connections, "seconds": args.seconds})


if __name__ == "__main__":
    main()
