"""Retries for iK Pay calls, in the adapter only, built on tenacity.

Rules (docs/api.md): at most 1 + `retries` attempts; exponential backoff with full jitter
from `base_delay_s`; a larger `Retry-After` wins (already capped at 60 s); no attempt
starts after the deadline, and each attempt's timeout is cut to what the deadline has
left. Only retryable codes of idempotent calls are retried, and only while the
process-wide retry budget allows. `sleep` and `monotonic` are injected so tests never
really sleep.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from adapters.ikhokha.retry_budget import RetryBudget
from domain.classification import CATALOGUE, ClassifiedFailure

T = TypeVar("T")
MAX_BACKOFF_S = 60.0
NOT_RETRIED = frozenset({"gateway_circuit_open"})


def is_retryable(exc: BaseException) -> bool:
    return (isinstance(exc, ClassifiedFailure) and exc.code not in NOT_RETRIED
            and CATALOGUE[exc.code].retryable)


@dataclass
class RetryPolicy:
    retries: int = 3
    base_delay_s: float = 2.0
    deadline_s: float = 30.0
    attempt_timeout_s: float = 15.0
    budget: RetryBudget = field(default_factory=RetryBudget)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    monotonic: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)
    on_retry: Callable[[str, str], None] | None = None  # (label, code), e.g. for metrics

    def backoff(self, state: RetryCallState) -> float:
        """Full jitter: uniform(0, base * 2^(n-1)); a larger Retry-After wins."""
        ceiling = min(MAX_BACKOFF_S, self.base_delay_s * 2 ** (state.attempt_number - 1))
        delay = self.rng.uniform(0.0, ceiling) if ceiling > 0 else 0.0
        exc = state.outcome.exception() if state.outcome else None
        hint = getattr(exc, "retry_after_s", None)
        return max(delay, hint) if hint is not None else delay

    def _stop(self, deadline: float) -> Callable[[RetryCallState], bool]:
        def stop(state: RetryCallState) -> bool:
            if state.attempt_number >= 1 + self.retries:
                return True
            if self.monotonic() + state.upcoming_sleep >= deadline:
                return True
            return not self.budget.try_spend()
        return stop

    def _before_sleep(self, label: str) -> Callable[[RetryCallState], None]:
        def note(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            if self.on_retry is not None and isinstance(exc, ClassifiedFailure):
                self.on_retry(label, exc.code)
        return note

    async def run(self, attempt: Callable[[float], Awaitable[T]], *, idempotent: bool,
                  label: str = "") -> T:
        """Call `attempt(timeout_s)` until it succeeds or the rules say stop; the last
        ClassifiedFailure propagates unchanged."""
        self.budget.record_call()
        deadline = self.monotonic() + self.deadline_s
        retrying = AsyncRetrying(
            sleep=self.sleep, stop=self._stop(deadline), wait=self.backoff, reraise=True,
            before_sleep=self._before_sleep(label),
            retry=retry_if_exception(is_retryable if idempotent else (lambda _e: False)))
        async for round_ in retrying:
            with round_:
                remaining = deadline - self.monotonic()
                if remaining <= 0:
                    raise ClassifiedFailure("gateway_timeout", "call deadline exhausted")
                return await attempt(min(self.attempt_timeout_s, remaining))
        raise AssertionError("unreachable: tenacity either returns or re-raises")
