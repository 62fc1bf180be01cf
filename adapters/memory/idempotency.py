"""In-memory idempotency store with the same claim semantics as the SQL one."""

from __future__ import annotations

from datetime import datetime, timedelta

from adapters.memory.store import IdempotencyRecord, MemoryStore
from application.ports import IdempotencyClaim, IdempotencyOutcome, StoredResponse

REPLAY_WINDOW = timedelta(hours=24)


class MemoryIdempotencyStore:
    def __init__(self, store: MemoryStore) -> None:
        self._records = store.idempotency

    async def claim(self, scope: str, key: str, fingerprint: str, now: datetime,
                    lock_for_s: int) -> IdempotencyClaim:
        record = self._records.get((scope, key))
        lock_until = now + timedelta(seconds=lock_for_s)
        if record is None or now - record.created_at > REPLAY_WINDOW:
            self._records[(scope, key)] = IdempotencyRecord(fingerprint, now, lock_until)
            return IdempotencyClaim(IdempotencyOutcome.STARTED)
        if record.fingerprint != fingerprint:
            return IdempotencyClaim(IdempotencyOutcome.MISMATCH)
        if record.response is not None:
            return IdempotencyClaim(IdempotencyOutcome.REPLAY, record.response)
        if record.locked_until > now:
            return IdempotencyClaim(IdempotencyOutcome.IN_PROGRESS)
        record.locked_until = lock_until  # the first attempt died: take it over
        return IdempotencyClaim(IdempotencyOutcome.STARTED)

    async def complete(self, scope: str, key: str, response: StoredResponse,
                       now: datetime) -> None:
        record = self._records.get((scope, key))
        if record is not None:
            record.response = response

    async def release(self, scope: str, key: str) -> None:
        record = self._records.get((scope, key))
        if record is not None and record.response is None:
            del self._records[(scope, key)]

    async def reap(self, older_than: datetime) -> int:
        stale = [k for k, r in self._records.items() if r.created_at < older_than]
        for k in stale:
            del self._records[k]
        return len(stale)
