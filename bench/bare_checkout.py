"""The checkout baseline: a bare pooled aiohttp loop asking the simulator for paylinks.

The same request the iKhokha adapter sends for a checkout (the same body, signed the
same way, one new externalTransactionID each), from `connections` concurrent tasks on
one pooled session (the adapter's pool size, 20), for `seconds`. No server, no database.

    python -m bench.bare_checkout SIM_PORT SECONDS CONNECTIONS   (prints one JSON line)
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import sys
import time

import aiohttp

from adapters.ikhokha.signing import signed_headers
from adapters.ikhokha.wire import CreatePaylinkBody, Urls, encode
from bench.aioload import summary
from bench.stack import APP_ID, APP_SECRET

POOL = 20  # adapters/ikhokha/transport.py's connector limit


def paylink_body(n: int, tag: str) -> bytes:
    base = "http://127.0.0.1:8000"
    return encode(CreatePaylinkBody(
        entityID=APP_ID, externalEntityID=f"enr_bare_{tag}_{n}", amount=49900,
        currency="ZAR", requesterUrl=base, mode="test",
        externalTransactionID=f"pay_bare_{tag}_{n}",
        description=f"Beta Skill course enrollment enr_bare_{tag}_{n}",
        urls=Urls(callbackUrl=f"{base}/webhooks/ikhokha",
                  successPageUrl=f"{base}/checkout/p/success",
                  failurePageUrl=f"{base}/checkout/p/failure",
                  cancelUrl=f"{base}/checkout/p/cancel")))


async def main(sim_port: int, seconds: float, connections: int) -> dict[str, object]:
    path = "/public-api/v1/api/payment"
    url = f"http://127.0.0.1:{sim_port}{path}"
    serial, tag = itertools.count(), secrets.token_hex(3)
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=POOL, limit_per_host=POOL)
    async with aiohttp.ClientSession(connector=connector,
                                     cookie_jar=aiohttp.DummyCookieJar()) as http:
        async def one() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                body = paylink_body(next(serial), tag)
                started = time.perf_counter()
                try:
                    async with http.post(url, data=body,
                                         headers=signed_headers(APP_ID, APP_SECRET, path,
                                                                body)) as r:
                        await r.read()
                        ok = r.status == 200
                except (aiohttp.ClientError, TimeoutError):
                    ok = False
                if not ok:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - started)

        began = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(connections)))
        took = time.perf_counter() - began
    return summary(latencies, took, errors)


if __name__ == "__main__":
    sim_port, seconds, connections = sys.argv[1:4]
    print(json.dumps(asyncio.run(main(int(sim_port), float(seconds), int(connections)))))
