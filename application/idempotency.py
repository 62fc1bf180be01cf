"""Stripe-style idempotent requests: same key and body replays the first response.

Scoped by caller and route. The response is stored only when it is final: a transient
failure (retryable) releases the key so the client's retry really runs again.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from application.errors import InvalidInput
from application.ports import Clock, IdempotencyOutcome, IdempotencyStore, StoredResponse
from domain.classification import ClassifiedFailure

KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,255}")
IN_FLIGHT_LOCK_S = 120

Handler = Callable[[], Awaitable[tuple[StoredResponse, bool]]]


class IdempotentRequests:
    def __init__(self, store: IdempotencyStore, clock: Clock) -> None:
        self._store, self._clock = store, clock

    @staticmethod
    def check_key(key: str | None) -> str:
        if key is None or key == "":
            raise InvalidInput("Idempotency-Key header is required", "idempotency_key_missing")
        if not KEY_PATTERN.fullmatch(key):
            raise InvalidInput("Idempotency-Key must be 16-255 characters of A-Z a-z 0-9 _ -",
                               "idempotency_key_invalid")
        return key

    async def run(self, scope: str, key: str, fingerprint: str,
                  handler: Handler) -> StoredResponse:
        """Run `handler` once per (scope, key); it returns (response, is_final)."""
        claim = await self._store.claim(scope, key, fingerprint, self._clock.now(),
                                        IN_FLIGHT_LOCK_S)
        if claim.outcome is IdempotencyOutcome.REPLAY and claim.response is not None:
            return claim.response
        if claim.outcome is IdempotencyOutcome.MISMATCH:
            raise ClassifiedFailure("idempotency_key_reused",
                                    "this Idempotency-Key was used with a different body")
        if claim.outcome is IdempotencyOutcome.IN_PROGRESS:
            raise ClassifiedFailure("idempotency_request_in_progress",
                                    "a request with this Idempotency-Key is still running")
        final = False
        try:
            response, final = await handler()
            if final:
                await self._store.complete(scope, key, response, self._clock.now())
            return response
        finally:
            if not final:
                await self._store.release(scope, key)
