"""Idempotency claims in the database, with the memory store's semantics.

Each call is its own short transaction. A claim INSERTs with ON CONFLICT DO NOTHING: the
unique (scope, key) constraint decides which of two racing requests starts; the loser
reads the winner's row. Taking over an expired lock or an expired record is a
compare-and-set UPDATE, so of two takers only one starts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import write_transaction
from adapters.sql.record_tables import IdempotencyKeyRow
from adapters.sql.unavailable import connect
from application.ports import IdempotencyClaim, IdempotencyOutcome, StoredResponse

REPLAY_WINDOW = timedelta(hours=24)
_T = IdempotencyKeyRow.__table__  # type: ignore[attr-defined]
_STARTED = IdempotencyClaim(IdempotencyOutcome.STARTED)


class SqlIdempotencyStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._insert = dialect.insert

    async def _write(self, statement: Any) -> int:
        async with write_transaction(self._engine) as conn:
            return (await conn.execute(statement)).rowcount  # type: ignore[no-any-return]

    async def claim(self, scope: str, key: str, fingerprint: str, now: datetime,
                    lock_for_s: int) -> IdempotencyClaim:
        lock_until = now + timedelta(seconds=lock_for_s)
        mine = _T.c.scope == scope, _T.c.key == key
        while True:
            inserted = await self._write(self._insert(_T).values(
                scope=scope, key=key, fingerprint=fingerprint, created_at=now,
                locked_until=lock_until).on_conflict_do_nothing(
                    index_elements=["scope", "key"]))
            if inserted == 1:
                return _STARTED
            async with connect(self._engine) as conn:
                row = (await conn.execute(select(_T).where(*mine))).mappings().first()
            if row is None:
                continue  # released or reaped in between: try to insert again
            if now - row["created_at"] > REPLAY_WINDOW:
                if await self._write(update(_T).where(*mine, _T.c.id == row["id"],
                                                      _T.c.created_at == row["created_at"])
                                     .values(fingerprint=fingerprint, created_at=now,
                                             locked_until=lock_until, status_code=None,
                                             body=None, content_type=None)):
                    return _STARTED
                continue
            if row["fingerprint"] != fingerprint:
                return IdempotencyClaim(IdempotencyOutcome.MISMATCH)
            if row["status_code"] is not None:
                return IdempotencyClaim(IdempotencyOutcome.REPLAY, StoredResponse(
                    row["status_code"], bytes(row["body"] or b""), row["content_type"]))
            if row["locked_until"] > now:
                return IdempotencyClaim(IdempotencyOutcome.IN_PROGRESS)
            if await self._write(update(_T).where(  # the first attempt died: take it over
                    *mine, _T.c.id == row["id"], _T.c.status_code.is_(None),
                    _T.c.locked_until == row["locked_until"]).values(locked_until=lock_until)):
                return _STARTED

    async def complete(self, scope: str, key: str, response: StoredResponse,
                       now: datetime) -> None:
        await self._write(update(_T).where(_T.c.scope == scope, _T.c.key == key).values(
            status_code=response.status_code, body=response.body,
            content_type=response.content_type))

    async def release(self, scope: str, key: str) -> None:
        await self._write(delete(_T).where(_T.c.scope == scope, _T.c.key == key,
                                           _T.c.status_code.is_(None)))

    async def reap(self, older_than: datetime) -> int:
        return await self._write(delete(_T).where(_T.c.created_at < older_than))
