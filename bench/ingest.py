"""Signed-callback ingest: `skillpay serve` against the raw driver baseline.

Each subject is a process of its own on its own fresh database: `skillpay serve` (the
real app: Litestar, the iKhokha adapter's verification, the SQL adapter) and
bench/raw_ingest.py (same HMAC check, one INSERT with asyncpg or aiosqlite). The load
generator (wrk, or aiohttp in its own process) posts correctly signed callbacks, each a
new one (new paylink id, so a new inbox row), from many keep-alive connections; rounds
alternate between the subjects; the medians and their ratios are printed.

The callbacks name paylinks we never issued: once acknowledged, processing finds no
payment and files them as orphans, without a gateway call, so this measures the
acknowledgement and its share of the machine, not the simulator.

`--processing here` (the default) runs `serve` as deployed alone: it also processes each
callback it acknowledged, right after the answer, on the same core. `--processing
workers` runs `serve --api-only` with SKILLPAY_CALLBACK_CONCURRENCY=0, as deployed
beside workers: it only acknowledges, and the items wait for a worker (none runs here),
so the figure is the acknowledgement alone. `both` measures the two in the same interleaved rounds.

    python -m bench.ingest [--db postgres|sqlite|both] [--seconds 10] [--rounds 3]
                           [--connections 32] [--processing here|workers|both]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import secrets

from bench.stack import (
    CALLBACK_PATH,
    Proc,
    base_env,
    callback_body,
    callback_headers,
    free_port,
    interleave,
    load,
    python,
    raw_request,
    report,
    running,
    scratch_postgres,
    scratch_sqlite,
    serve,
    simulator,
)

_SERIAL = itertools.count()


def signed_callbacks(port: int, count: int) -> list[bytes]:
    tag = secrets.token_hex(3)
    out = []
    for _ in range(count):
        n = next(_SERIAL)
        body = callback_body(f"bench{tag}{n:09d}", f"pay_bench_{tag}_{n}")
        out.append(raw_request("POST", CALLBACK_PATH, port, body, callback_headers(body)))
    return out


def raw_baseline(name: str, port: int, database_url: str) -> Proc:
    return Proc(name, [python(), "-m", "bench.raw_ingest", str(port), database_url],
                base_env(), port)


# label, command-line options, environment
SUBJECTS = {"here": ("skillpay serve ({db})", (), {}),
            "workers": ("skillpay serve --api-only ({db})", ("--api-only",),
                        {"SKILLPAY_CALLBACK_CONCURRENCY": "0"})}


def run(db: str, seconds: float, rounds: int, connections: int, per_second: int,
        processing: str) -> dict:
    scratch = scratch_postgres if db == "postgres" else scratch_sqlite
    driver = "asyncpg" if db == "postgres" else "aiosqlite"
    modes = ["here", "workers"] if processing == "both" else [processing]
    sim_port, raw_port = free_port(), free_port()
    ports = {mode: free_port() for mode in modes}
    with contextlib.ExitStack() as stack:
        raw_db = stack.enter_context(scratch())
        apps = [serve(f"serve-{mode}", ports[mode], stack.enter_context(scratch()), sim_port,
                      *SUBJECTS[mode][1], **SUBJECTS[mode][2]) for mode in modes]
        _, raw, *started = stack.enter_context(running(
            simulator(sim_port), raw_baseline("raw", raw_port, raw_db), *apps))
        count = int(per_second * seconds)

        def measure(proc: Proc, port: int, window: float):  # type: ignore[no-untyped-def]
            return lambda _round: load(port, signed_callbacks(port, count), seconds=window,
                                       connections=connections, cpu_pids=[proc.pid])

        print(f"ingest on {db}: warming up")
        subjects = {SUBJECTS[mode][0].format(db=db): measure(app, ports[mode], seconds)
                    for mode, app in zip(modes, started, strict=True)}
        for mode, app in zip(modes, started, strict=True):
            measure(app, ports[mode], 2)(0)
        measure(raw, raw_port, 2)(0)
        results = interleave(rounds, {**subjects,
                                      f"raw {driver} endpoint": measure(raw, raw_port, seconds)})
    return report(f"ingest {db}: signed callbacks acknowledged", results,
                  f"raw {driver} endpoint", {"connections": connections, "seconds": seconds})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--per-second", type=int, default=6000,
                        help="distinct callbacks prepared per second of load")
    parser.add_argument("--processing", choices=["here", "workers", "both"], default="both",
                        help="where acknowledged callbacks are processed (see the docstring)")
    args = parser.parse_args()
    for db in (["postgres", "sqlite"] if args.db == "both" else [args.db]):
        run(db, args.seconds, args.rounds, args.connections, args.per_second,
            args.processing)


if __name__ == "__main__":
    main()
