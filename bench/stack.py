"""What the HTTP benchmarks share: processes on loopback, scratch databases, signed
callbacks, a load generator, CPU accounting and the interleaved-rounds report.

Every process a benchmark starts is its own (`skillpay serve`, `skillpay simulator`,
`skillpay worker`, a raw baseline, the load generator) and is stopped by its pid when
the benchmark ends. Nothing here asserts a timing: the figures are printed as ratios
against a baseline measured in the same run, in alternating rounds, because a 2-core
machine shared with other work is noisy (see docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("SKILLPAY_BENCH_POSTGRES", "postgres@127.0.0.1:5432")
APP_ID, APP_SECRET = "bench-app-id", "bench-app-secret-value"
JWT_SECRET = "bench-jwt-secret-" + "x" * 32
CALLBACK_PATH = "/webhooks/ikhokha"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- processes -------------------------------------------------------------------------
@dataclass
class Proc:
    name: str
    argv: list[str]
    env: dict[str, str]
    port: int | None = None
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    def start(self) -> Proc:
        self.log = Path(tempfile.gettempdir()) / f"skillpay-bench-{self.name}-{os.getpid()}.log"
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(self.argv, env=self.env, cwd=ROOT, stdout=out,
                                            stderr=subprocess.STDOUT)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None:
            return
        if self.alive():
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def tail(self, lines: int = 20) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def wait_port(self, timeout_s: float = 60.0) -> None:
        assert self.port is not None
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited:\n{self.tail()}")
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", self.port), timeout=0.5):
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not listen on {self.port}:\n{self.tail()}")


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKILLPAY_", "IKHOKHA_"))}
    env["PYTHONPATH"] = str(ROOT)
    return env


def python() -> str:
    return sys.executable


def simulator(port: int) -> Proc:
    env = base_env()
    env.update(IKHOKHA_APP_ID=APP_ID, IKHOKHA_APP_SECRET=APP_SECRET)
    return Proc("simulator", [python(), "-m", "entrypoints.cli", "simulator", "--port", str(port)],
                env, port)


def app_env(port: int, database_url: str, sim_port: int, **extra: str) -> dict[str, str]:
    env = base_env()
    env.update({
        "SKILLPAY_ENV": "test", "SKILLPAY_DATABASE_URL": database_url,
        "SKILLPAY_PUBLIC_URL": f"http://127.0.0.1:{port}", "SKILLPAY_JWT_SECRET": JWT_SECRET,
        "SKILLPAY_GATEWAY": "ikhokha",
        "IKHOKHA_API_URL": f"http://127.0.0.1:{sim_port}/public-api/v1/api",
        "IKHOKHA_APP_ID": APP_ID, "IKHOKHA_APP_SECRET": APP_SECRET,
        "IKHOKHA_RETRY_DELAY_MS": "0",
        # one load generator stands in for many students: the per-client limits are off;
        # a signed callback is never limited anyway
        "SKILLPAY_RATE_LIMIT_PAYMENTS": "0", "SKILLPAY_RATE_LIMIT_VERIFY": "0",
        "SKILLPAY_MAX_OPEN_CHECKOUTS": "0"})
    env.update(extra)
    return env


def serve(name: str, port: int, database_url: str, sim_port: int, *options: str,
          **extra: str) -> Proc:
    return Proc(name, [python(), "-m", "entrypoints.cli", "serve", "--port", str(port),
                       *options], app_env(port, database_url, sim_port, **extra), port)


def worker(name: str, database_url: str, sim_port: int, **extra: str) -> Proc:
    return Proc(name, [python(), "-m", "entrypoints.cli", "worker"],
                app_env(free_port(), database_url, sim_port, **extra))


@contextlib.contextmanager
def running(*procs: Proc) -> Iterator[tuple[Proc, ...]]:
    try:
        for proc in procs:
            proc.start()
        for proc in procs:
            if proc.port is not None:
                proc.wait_port()
        yield procs
    finally:
        for proc in reversed(procs):
            proc.stop()


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU of these processes so far (children they waited for included)."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            # utime stime cutime cstime are fields 14-17 (1-based) of the whole line
            total += sum(int(v) for v in fields[11:15]) / CLK_TCK
    return total


# -- databases ---------------------------------------------------------------------------
def _pg_dsn(db: str) -> str:
    return f"postgresql://{PG_SERVER}/{db}"


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(_pg_dsn("postgres"), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextlib.contextmanager
def scratch_postgres() -> Iterator[str]:
    """A fresh, migrated database of its own; dropped afterwards. Yields its URL."""
    name = f"skillpay_bench_{secrets.token_hex(4)}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = f"postgresql+asyncpg://{PG_SERVER}/{name}"
    try:
        _migrate(url)
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def scratch_sqlite() -> Iterator[str]:
    folder = tempfile.mkdtemp(prefix="skillpay-bench-")
    url = f"sqlite+aiosqlite:///{folder}/bench.db"
    try:
        _migrate(url)
        yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _migrate(url: str) -> None:
    from adapters.sql import migrate

    asyncio.run(migrate.upgrade(url))


def asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def sqlite_path(url: str) -> str:
    return url.split(":///", 1)[1]


# -- signed callbacks --------------------------------------------------------------------
def callback_body(paylink_id: str, external_id: str, status: str = "SUCCESS") -> bytes:
    """What iK Pay (and the simulator) sends: compact JSON of the signed members."""
    data = {"paylinkID": paylink_id, "status": status, "externalTransactionID": external_id,
            "responseCode": "00"}
    return json.dumps(data, separators=(",", ":")).encode()


def callback_headers(body: bytes) -> dict[str, str]:
    from adapters.simulator.signing import ik_sign

    return {"ik-appid": APP_ID, "ik-sign": ik_sign(APP_SECRET, CALLBACK_PATH, body.decode()),
            "Content-Type": "application/json"}


def raw_request(method: str, path: str, port: int, body: bytes,
                headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}",
             f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# -- load ------------------------------------------------------------------------------
@dataclass
class Load:
    """What one timed window measured."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    statuses: dict[str, int] = field(default_factory=dict)
    cpu_s: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def per_cpu_s(self) -> float:
        return self.requests / self.cpu_s if self.cpu_s else 0.0


_WRK_LUA = """
local threads = 0
function setup(thread)
  thread:set("tid", threads); threads = threads + 1
end
local requests, n, i, stride = {}, 0, 0, 2
local sep = "\\n--8<--\\n"
function init(args)
  local f = assert(io.open(args[1], "rb")); local all = f:read("*a"); f:close()
  local start = 1
  while true do
    local a, b = string.find(all, sep, start, true)
    if not a then break end
    n = n + 1; requests[n] = string.sub(all, start, a - 1); start = b + 1
  end
  stride = tonumber(args[2]) or 2
  i = (tid or 0) + 1 - stride  -- thread t sends t+1, t+1+stride, ...: no request twice
end
function request()
  i = i + stride; if i > n then i = ((i - 1) % stride) + 1 end
  return requests[i]
end
function done(summary, latency, requests)
  io.write(string.format("WRK_JSON {\\"requests\\":%d,\\"seconds\\":%f,\\"p50\\":%f,"
    .. "\\"p99\\":%f,\\"errors\\":%d,\\"non2xx\\":%d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.errors.status))
end
"""


def have_wrk() -> bool:
    return shutil.which("wrk") is not None and os.environ.get("SKILLPAY_BENCH_LOADGEN") != "aiohttp"


def load(port: int, requests: Sequence[bytes], *, seconds: float, connections: int,
         cpu_pids: Sequence[int] = ()) -> Load:
    """Send `requests` (raw HTTP/1.1, each used once if there are enough) to 127.0.0.1:
    `port` from `connections` keep-alive connections for `seconds`. wrk when installed
    (C, so the generator takes little of the 2 cores), else aiohttp in its own process."""
    if not requests:
        raise ValueError("no requests to send")
    folder = Path(tempfile.mkdtemp(prefix="skillpay-load-"))
    try:
        spec = folder / "requests.bin"
        spec.write_bytes(b"".join(r + b"\n--8<--\n" for r in requests))
        before = cpu_seconds(cpu_pids)
        if have_wrk():
            script = folder / "load.lua"
            script.write_text(_WRK_LUA)
            # wrk's threads each cycle through the list from their own offset
            run = subprocess.run(
                ["wrk", "-t2", f"-c{connections}", f"-d{seconds:.0f}s", "--timeout", "10s",
                 "-s", str(script), f"http://127.0.0.1:{port}/", "--", str(spec), "2"],
                capture_output=True, text=True, check=True, cwd=folder)
            line = next(ln for ln in run.stdout.splitlines() if ln.startswith("WRK_JSON"))
            data = json.loads(line.split(" ", 1)[1])
            result = Load(data["requests"], data["seconds"], data["p50"], data["p99"],
                          data["errors"], {"non2xx": data["non2xx"]})
        else:
            run = subprocess.run(
                [python(), "-m", "bench.aioload", str(port), str(spec), str(seconds),
                 str(connections)], capture_output=True, text=True, check=True, cwd=ROOT,
                env=base_env())
            data = json.loads(run.stdout.strip().splitlines()[-1])
            result = Load(data["requests"], data["seconds"], data["p50"], data["p99"],
                          data["errors"], data["statuses"])
        result.cpu_s = cpu_seconds(cpu_pids) - before
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -- rounds and report -------------------------------------------------------------------
Measure = Callable[[int], Load]


def interleave(rounds: int, subjects: dict[str, Measure]) -> dict[str, list[Load]]:
    """Each round measures every subject once, the order alternating round by round, so
    slow drift (other work on the machine, a warming cache) hits all of them alike."""
    results: dict[str, list[Load]] = {name: [] for name in subjects}
    names = list(subjects)
    for r in range(rounds):
        for name in names if r % 2 == 0 else reversed(names):
            got = subjects[name](r)
            results[name].append(got)
            print(f"  round {r + 1} {name:<28} {got.rate:9.1f}/s  p99 {got.p99_ms:7.1f} ms"
                  f"  errors {got.errors}  {got.statuses or ''}"
                  + (f"  {got.per_cpu_s:7.1f} req/CPU-s" if got.cpu_s else ""), flush=True)
    return results


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def report(title: str, results: dict[str, list[Load]], baseline: str,
           extra: dict[str, Any] | None = None) -> dict[str, Any]:
    base = results[baseline]
    base_rate = median([x.rate for x in base])
    base_p99 = median([x.p99_ms for x in base])
    print(f"\n{title} (medians of {len(base)} interleaved rounds)")
    summary: dict[str, Any] = {"title": title}
    for name, runs in results.items():
        rate, p99 = median([x.rate for x in runs]), median([x.p99_ms for x in runs])
        per_cpu = median([x.per_cpu_s for x in runs])
        line = (f"  {name:<30} {rate:9.1f}/s  p99 {p99:7.1f} ms"
                + (f"  {per_cpu:7.1f} req/CPU-s" if per_cpu else ""))
        if name != baseline:
            line += (f"   throughput {rate / base_rate:5.2f}x  p99 {p99 / base_p99:5.2f}x"
                     f" of {baseline}") if base_rate and base_p99 else ""
        print(line)
        summary[name] = {"rate": round(rate, 1), "p99_ms": round(p99, 1),
                         "per_cpu_s": round(per_cpu, 1),
                         "ratio": round(rate / base_rate, 3) if base_rate else None,
                         "p99_ratio": round(p99 / base_p99, 3) if base_p99 else None}
    if extra:
        summary.update(extra)
    out = ROOT / "bench" / ".data"
    out.mkdir(parents=True, exist_ok=True)
    slug = title.split(":")[0].strip().lower().replace(" ", "-")
    (out / f"{slug}.json").write_text(json.dumps(summary, indent=2))
    return summary
