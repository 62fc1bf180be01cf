"""Two instances and a worker against one instance, on one PostgreSQL: signed-callback
ingest (as bench/ingest.py), the load split over both instances' ports.

Setup A: one `skillpay serve` (it acknowledges and processes). Setup B, as deployed
with a dedicated worker: two `skillpay serve --api-only` with
SKILLPAY_CALLBACK_CONCURRENCY=0 (they acknowledge only) plus one `skillpay worker`
(woken by NOTIFY, it processes every callback), each setup on its own fresh database so
both start alike. The load
generator posts new signed callbacks; rounds alternate A and B. Besides throughput the
requests per CPU-second of the app processes are printed: on 2 cores shared with the
database and the load generator, B cannot be twice A, and per CPU-second shows whether
the work per request stayed the same.

    python -m bench.scale [--seconds 10] [--rounds 3] [--connections 32]
"""

from __future__ import annotations

import argparse
import threading

from bench.ingest import signed_callbacks
from bench.stack import (
    Load,
    cpu_seconds,
    free_port,
    interleave,
    load,
    report,
    running,
    scratch_postgres,
    serve,
    simulator,
    worker,
)

API_ONLY = ("--api-only",)
ACK_ONLY = {"SKILLPAY_CALLBACK_CONCURRENCY": "0"}


def split_load(ports: list[int], pids: list[int], per_port: int, seconds: float,
               connections: int) -> Load:
    """One load generator per port at once, connections shared out; results summed."""
    results: list[Load] = []
    requests = {port: signed_callbacks(port, per_port) for port in ports}

    def run(port: int) -> None:
        results.append(load(port, requests[port], seconds=seconds,
                            connections=connections // len(ports)))

    before = cpu_seconds(pids)
    threads = [threading.Thread(target=run, args=(port,)) for port in ports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu = cpu_seconds(pids) - before
    return Load(sum(r.requests for r in results), max(r.seconds for r in results),
                max(r.p50_ms for r in results), max(r.p99_ms for r in results),
                sum(r.errors for r in results), {}, cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--per-second", type=int, default=4000)
    args = parser.parse_args()
    sim_port, one_port, b1_port, b2_port = free_port(), free_port(), free_port(), free_port()
    count = int(args.per_second * args.seconds)
    with scratch_postgres() as db_one, scratch_postgres() as db_two, running(
            simulator(sim_port), serve("one", one_port, db_one, sim_port),
            serve("two-a", b1_port, db_two, sim_port, *API_ONLY, **ACK_ONLY),
            serve("two-b", b2_port, db_two, sim_port, *API_ONLY, **ACK_ONLY),
            worker("worker", db_two, sim_port)) as (_, one, b1, b2, work):
        pids_one, pids_two = [one.pid], [b1.pid, b2.pid, work.pid]
        print("scale: warming up")
        split_load([one_port], pids_one, count // 4, 2, args.connections)
        split_load([b1_port, b2_port], pids_two, count // 8, 2, args.connections)
        results = interleave(args.rounds, {
            "one instance": lambda _r: split_load([one_port], pids_one, count, args.seconds,
                                                  args.connections),
            "two instances + worker": lambda _r: split_load(
                [b1_port, b2_port], pids_two, count // 2, args.seconds, args.connections)})
    report("scale: two instances and a worker against one", results, "one instance",
           {"connections": args.connections, "seconds": args.seconds})


if __name__ == "__main__":
    main()
