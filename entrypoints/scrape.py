"""One Prometheus scrape: refresh the gauges that are read from storage and from the
gateway's breaker, then render the registry in the text exposition format."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any, Protocol

from adapters.metrics.prometheus import PrometheusMetrics
from application.ports import Clock

log = logging.getLogger("skillpay.metrics")
BACKLOG_TIMEOUT_S = 2.0


class Backlog(Protocol):
    async def outbox_lag(self, now: datetime) -> tuple[int, float]: ...
    async def oldest_pending_age(self, now: datetime) -> float: ...


class Scrape:
    def __init__(self, metrics: PrometheusMetrics, backlog: Backlog, gateway: Any,
                 clock: Clock) -> None:
        self._metrics, self._backlog, self._gateway, self._clock = (
            metrics, backlog, gateway, clock)

    async def __call__(self) -> bytes:
        now = self._clock.now()
        try:
            unrelayed, oldest = await asyncio.wait_for(self._backlog.outbox_lag(now),
                                                       BACKLOG_TIMEOUT_S)
            pending = await asyncio.wait_for(self._backlog.oldest_pending_age(now),
                                             BACKLOG_TIMEOUT_S)
            self._metrics.set_backlog(unrelayed, oldest, pending)
        except Exception as failure:  # noqa: BLE001 - a scrape still answers; readiness alarms
            log.warning("backlog gauges not refreshed: %s", type(failure).__name__)
        breaker = getattr(self._gateway, "breaker", None)
        if breaker is not None:
            self._metrics.set_circuit(breaker.state)
        return self._metrics.exposition()
