"""What the iKhokha callback route does, as one object the route receives.

The route takes this single dependency instead of four (the use-case, the dispatcher,
the metrics, the limits): Litestar resolves several dependencies of one handler
concurrently in a task group, which on this, the busiest route, cost about an eighth of
an acknowledgement's CPU (docs/benchmarks.md). The composition root builds it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

import msgspec

from adapters.metrics.prometheus import PrometheusMetrics
from application.use_cases.handle_callback import HandleCallback
from domain.classification import ClassifiedFailure
from entrypoints.callback_dispatch import CallbackDispatcher
from entrypoints.http.rate_limits import RateLimits


class CallbackAck(msgspec.Struct, frozen=True, kw_only=True):
    received: bool
    duplicate: bool


class CallbackEndpoint:
    def __init__(self, handle_callback: HandleCallback, dispatcher: CallbackDispatcher,
                 metrics: PrometheusMetrics, rate_limits: RateLimits) -> None:
        self._handle, self._dispatcher = handle_callback, dispatcher
        self._metrics, self._limits = metrics, rate_limits

    async def acknowledge(self, headers: Mapping[str, str], raw: bytes, decoded: Any,
                          address: str) -> CallbackAck:
        """Verify and store (the 200), then hand the item to this instance's dispatcher
        when it has room. A refused signature counts against `address` only: past the
        limit it answers 429 and is not written to the audit trail."""
        started = time.perf_counter()
        bad_callbacks = self._limits.webhook
        room = await bad_callbacks.has_room(address)
        hold = self._dispatcher.has_room()
        try:
            receipt = await self._handle.receive(headers, raw, decoded=decoded,
                                                 record_refusal=room, hold=hold)
        except ClassifiedFailure as refused:
            if refused.code == "invalid_signature":
                self._metrics.callback("rejected", time.perf_counter() - started)
                wait_s = await bad_callbacks.hit(address)
                if wait_s > 0:
                    raise ClassifiedFailure(
                        "rate_limited", "too many refused callbacks from this address; "
                        "slow down", retry_after_s=max(1.0, math.ceil(wait_s))) from None
            raise
        self._metrics.callback(receipt.outcome, time.perf_counter() - started)
        if receipt.outcome == "received" and hold:
            self._dispatcher.submit(receipt, started)
        return CallbackAck(received=True, duplicate=receipt.duplicate)
