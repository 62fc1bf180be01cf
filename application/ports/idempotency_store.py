"""Port: response replay for mutating requests (the `Idempotency-Key` header)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from application.ports.idempotency_records import IdempotencyClaim, StoredResponse


class IdempotencyStore(Protocol):
    """Response replay for mutating requests, scoped by caller and route.

    Contract: `claim` is atomic per (scope, key) — of concurrent claims exactly one is
    STARTED; the others see IN_PROGRESS while that claim's lock lasts, REPLAY with the
    stored response once it completed, MISMATCH when their request fingerprint differs.
    A claim whose lock ran out without completing may be taken over (STARTED again).
    `complete` stores the response for replay; `release` forgets an uncompleted claim so
    the key can be used again. Each call is its own transaction, independent of any
    unit of work.
    """

    async def claim(self, scope: str, key: str, fingerprint: str, now: datetime,
                    lock_for_s: int) -> IdempotencyClaim: ...

    async def complete(self, scope: str, key: str, response: StoredResponse,
                       now: datetime) -> None: ...

    async def release(self, scope: str, key: str) -> None:
        """Forget a claim whose result must not be stored (a transient failure)."""
        ...

    async def reap(self, older_than: datetime) -> int:
        """Delete claims created before `older_than`; return how many went."""
        ...
