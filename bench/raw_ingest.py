"""The ingest baseline: the least a callback endpoint can do and still be correct.

A bare ASGI app on the same server stack as `skillpay serve` (uvicorn, uvloop,
httptools) that checks the same IK-SIGN HMAC over the raw body (and the app id), with
the adapter's own `signature_matches`, and
stores the callback with one `INSERT ... ON CONFLICT DO NOTHING` into the same
`webhook_inbox` table: asyncpg on a pool (PostgreSQL) or one aiosqlite connection
(SQLite, one writer). No framework, no ORM, no logging, no metrics.

    python -m bench.raw_ingest PORT DATABASE_URL
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import sys
from datetime import UTC, datetime
from typing import Any

import uvicorn

from adapters.ikhokha.signing import signature_matches
from bench.stack import APP_ID, APP_SECRET, CALLBACK_PATH

_INSERT_PG = ("INSERT INTO webhook_inbox (id, dedupe_key, paylink_id, raw_body, headers, "
              "received_at, status, attempts) VALUES ($1, $2, $3, $4, $5, $6, 'received', 0) "
              "ON CONFLICT (dedupe_key) DO NOTHING")
_INSERT_SQLITE = _INSERT_PG.replace("$1, $2, $3, $4, $5, $6", "?, ?, ?, ?, ?, ?")


def verified(headers: dict[bytes, bytes], body: bytes) -> dict[str, Any] | None:
    if not hmac.compare_digest(headers.get(b"ik-appid", b""), APP_ID.encode()):
        return None
    if not signature_matches(APP_SECRET, CALLBACK_PATH, body,
                             headers.get(b"ik-sign", b"").decode()):
        return None
    data = json.loads(body)
    return data if isinstance(data, dict) else None


class App:
    def __init__(self, url: str) -> None:
        self.url = url
        self.pg: Any = None
        self.sqlite: Any = None
        self.lock = asyncio.Lock()

    async def start(self) -> None:
        if self.url.startswith("postgresql"):
            import asyncpg

            dsn = self.url.replace("postgresql+asyncpg://", "postgresql://")
            self.pg = await asyncpg.create_pool(dsn, min_size=10, max_size=30)
        else:
            import aiosqlite

            self.sqlite = await aiosqlite.connect(self.url.split(":///", 1)[1])
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=15000"):
                await self.sqlite.execute(f"PRAGMA {pragma}")

    async def store(self, data: dict[str, Any], body: bytes, headers: str) -> None:
        digest = hashlib.sha256(body).hexdigest()[:32]
        row = (f"cbk_{secrets.token_hex(8)}", f"{data.get('paylinkID')}:{data.get('status')}:"
               f"{digest}", data.get("paylinkID"), body, headers)
        if self.pg is not None:
            await self.pg.execute(_INSERT_PG, *row, datetime.now(UTC))
        else:
            async with self.lock:
                await self.sqlite.execute(_INSERT_SQLITE,
                                          (*row, datetime.now(UTC).replace(tzinfo=None)))
                await self.sqlite.commit()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await self.start()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = dict(scope["headers"])
        data = verified(headers, body) if scope["path"] == CALLBACK_PATH else None
        if data is None:
            status, answer = 401, b'{"error":"invalid_signature"}'
        else:
            await self.store(data, body, json.dumps(
                {k.decode(): v.decode() for k, v in headers.items() if k != b"ik-sign"}))
            status, answer = 200, b'{"received":true,"duplicate":false}'
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": answer})


if __name__ == "__main__":
    port, url = int(sys.argv[1]), sys.argv[2]
    uvicorn.run(App(url), host="127.0.0.1", port=port, log_level="warning", access_log=False,
                loop="uvloop", http="httptools", lifespan="on")
