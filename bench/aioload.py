"""The load generator when wrk is not installed: aiohttp keep-alive connections in a
process of their own, replaying raw requests (each once while there are enough).

    python -m bench.aioload PORT REQUESTS_FILE SECONDS CONNECTIONS   (prints one JSON line)
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp


def parse(raw: bytes) -> tuple[str, str, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = dict(line.split(": ", 1) for line in lines[1:])
    headers.pop("Host", None)
    headers.pop("Content-Length", None)
    return method, path, headers, body


async def main(port: int, raw: bytes, seconds: float, connections: int) -> dict[str, object]:
    requests = [parse(r) for r in raw.split(b"\n--8<--\n") if r]
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    errors, nxt = 0, 0
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=10)) as http:
        async def one() -> None:
            nonlocal errors, nxt
            while time.perf_counter() < deadline:
                method, path, headers, body = requests[nxt % len(requests)]
                nxt += 1
                started = time.perf_counter()
                try:
                    async with http.request(method, f"http://127.0.0.1:{port}{path}",
                                            data=body, headers=headers) as r:
                        await r.read()
                        statuses[str(r.status)] += 1
                except (aiohttp.ClientError, TimeoutError):
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - started)

        began = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(connections)))
        took = time.perf_counter() - began
    return summary(latencies, took, errors, statuses=dict(statuses))


def summary(latencies: list[float], took: float, errors: int, **extra: Any) -> dict[str, Any]:
    """What a load run prints: completed requests, the window, p50/p99 in ms, errors."""
    latencies = sorted(latencies)

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 \
            if latencies else 0.0

    return {"requests": len(latencies), "seconds": took, "p50": pct(0.5), "p99": pct(0.99),
            "errors": errors, **extra}


if __name__ == "__main__":
    port, spec, seconds, connections = sys.argv[1:5]
    print(json.dumps(asyncio.run(main(int(port), Path(spec).read_bytes(), float(seconds),
                                      int(connections)))))
