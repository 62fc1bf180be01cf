"""Sustained end to end: callbacks acknowledged AND processed per second, and whether the
inbox queue stays bounded, against the raw ingest baseline in the same run.

Before each round (outside the timed window) real checkouts are made through
`skillpay serve` and paid in the simulator (its own callbacks dropped); the timed
window then posts their signed SUCCESS callbacks. Processing asks the simulator for
the status and activates the enrollment. At the end of the window the inbox is read:
rows processed in the window (status no longer 'received'/'failed') per second, and
the queue left waiting; the queue is then timed until it drains. The figure is the
callbacks fully processed per second from the window's start until the queue drained
(CPU-seconds cover the acknowledging window only).

    python -m bench.sustained [--seconds 6] [--rounds 3] [--connections 16]
                              [--payments 1200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import time
from typing import Any

import aiohttp
import asyncpg

from bench.checkout import insert_enrollments
from bench.ingest import raw_baseline, signed_callbacks
from bench.stack import (
    CALLBACK_PATH,
    JWT_SECRET,
    Load,
    asyncpg_dsn,
    callback_body,
    callback_headers,
    free_port,
    interleave,
    load,
    raw_request,
    report,
    running,
    scratch_postgres,
    serve,
    simulator,
)

WAITING = ("received", "failed")


async def paid_payments(app_port: int, sim_port: int, url: str, count: int
                        ) -> list[tuple[str, str]]:
    """(payment id, paylink id) of `count` checkouts made through the API and paid."""
    from entrypoints.http.auth import TokenCodec

    tokens = TokenCodec(JWT_SECRET)
    enrollments = await insert_enrollments(url, count)
    made: list[tuple[str, str]] = []
    gate = asyncio.Semaphore(32)
    async with aiohttp.ClientSession() as http:
        async def one(enrollment_id: str, student: str) -> None:
            async with gate:
                async with http.post(
                        f"http://127.0.0.1:{app_port}/api/v1/payments",
                        json={"enrollment_id": enrollment_id},
                        headers={"Authorization": "Bearer " + tokens.mint(student, "student"),
                                 "Idempotency-Key": f"bench-{secrets.token_hex(8)}"}) as r:
                    body: Any = await r.json(content_type=None)
                if r.status not in (200, 201) or not body.get("gateway_reference"):
                    return
                paylink = body["gateway_reference"]
                async with http.post(
                        f"http://127.0.0.1:{sim_port}/_sim/paylinks/{paylink}/settle",
                        json={"outcome": "pay"}) as s:
                    if s.status == 200:
                        made.append((body["id"], paylink))

        await asyncio.gather(*(one(e, s) for e, s in enrollments))
    return made


async def inbox(url: str) -> dict[str, int]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        rows = await conn.fetch("SELECT status, count(*) FROM webhook_inbox GROUP BY status")
    finally:
        await conn.close()
    return {r[0]: int(r[1]) for r in rows}


def waiting(counts: dict[str, int]) -> int:
    return sum(counts.get(s, 0) for s in WAITING)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--payments", type=int, default=1200,
                        help="paid checkouts prepared per round (each gets one callback)")
    args = parser.parse_args()
    sim_port, app_port, raw_port = free_port(), free_port(), free_port()
    queues: list[dict[str, Any]] = []
    with scratch_postgres() as db, scratch_postgres() as raw_db, running(
            simulator(sim_port), serve("serve", app_port, db, sim_port,
                                       SKILLPAY_WORKER_INTERVAL_MS="200"),
            raw_baseline("raw", raw_port, raw_db)) as (_, app, raw):
        asyncio.run(_drop_sim_callbacks(sim_port))

        def end_to_end(round_no: int) -> Load:
            started = time.perf_counter()
            paid = asyncio.run(paid_payments(app_port, sim_port, db, args.payments))
            print(f"  (prepared {len(paid)} paid checkouts in "
                  f"{time.perf_counter() - started:.0f} s)", flush=True)
            requests = []
            for payment_id, paylink_id in paid:
                body = callback_body(paylink_id, payment_id)
                requests.append(raw_request("POST", CALLBACK_PATH, app_port, body,
                                            callback_headers(body)))
            before = asyncio.run(inbox(db))
            acked = load(app_port, requests, seconds=args.seconds,
                         connections=args.connections, cpu_pids=[app.pid])
            after = asyncio.run(inbox(db))
            done_before = sum(before.values()) - waiting(before)
            processed = sum(after.values()) - waiting(after) - done_before
            drain_started, left = time.perf_counter(), waiting(after)
            while left and time.perf_counter() - drain_started < 60:
                time.sleep(0.2)
                left = waiting(asyncio.run(inbox(db)))
            queues.append({"round": round_no + 1, "acknowledged_per_s": round(acked.rate, 1),
                           "queue_at_end": waiting(after),
                           "drained_in_s": round(time.perf_counter() - drain_started, 1),
                           "statuses": after})
            print(f"  acknowledged {acked.rate:.0f}/s; queue at the end {waiting(after)}, "
                  f"drained in {time.perf_counter() - drain_started:.1f} s", flush=True)
            # the figure: callbacks fully processed per second, from the window's start
            # until the queue had drained (processing was busy all along: the queue was
            # never empty before then)
            finished = processed + waiting(after) - left
            took = acked.seconds + (time.perf_counter() - drain_started)
            return Load(finished, took, acked.p50_ms, acked.p99_ms, acked.errors,
                        acked.statuses, acked.cpu_s)

        def raw_ingest(_round: int) -> Load:
            return load(raw_port, signed_callbacks(raw_port, 6000 * int(args.seconds)),
                        seconds=args.seconds, connections=args.connections,
                        cpu_pids=[raw.pid])

        results = interleave(args.rounds, {"processed end to end (serve)": end_to_end,
                                           "raw asyncpg ingest": raw_ingest})
    report("sustained: callbacks acknowledged and processed", results, "raw asyncpg ingest",
           {"queues": queues})
    print(json.dumps(queues, indent=1))


async def _drop_sim_callbacks(sim_port: int) -> None:
    async with aiohttp.ClientSession() as http, http.post(
            f"http://127.0.0.1:{sim_port}/_sim/faults", json={"callback_drop": True}) as r:
        r.raise_for_status()


if __name__ == "__main__":
    main()
