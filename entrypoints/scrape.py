"""One Prometheus scrape: refresh the gauges that are read from storage (the backlog, and
the latest daily reconciliation, so every instance exports what the worker found) and
from the gateway's breaker, then render the registry in the text exposition format."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any, Protocol

from adapters.metrics.prometheus import PrometheusMetrics
from application.ports import Clock
from application.use_cases.daily_reconciliation import DailyStatus

log = logging.getLogger("skillpay.metrics")
BACKLOG_TIMEOUT_S = 2.0


class Backlog(Protocol):
    async def outbox_lag(self, now: datetime) -> tuple[int, float]: ...
    async def oldest_pending_age(self, now: datetime) -> float: ...


class DailyReconciliationStatus(Protocol):
    async def status(self) -> DailyStatus | None: ...


class Scrape:
    def __init__(self, metrics: PrometheusMetrics, backlog: Backlog, gateway: Any,
                 clock: Clock, daily: DailyReconciliationStatus | None = None) -> None:
        self._metrics, self._backlog, self._gateway, self._clock = (
            metrics, backlog, gateway, clock)
        self._daily = daily

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
        if self._daily is not None:
            await self._refresh_daily(self._daily)
        breaker = getattr(self._gateway, "breaker", None)
        if breaker is not None:
            self._metrics.set_circuit(breaker.state)
        return self._metrics.exposition()

    async def _refresh_daily(self, daily: DailyReconciliationStatus) -> None:
        try:
            status = await asyncio.wait_for(daily.status(), BACKLOG_TIMEOUT_S)
        except Exception as failure:  # noqa: BLE001 - a scrape still answers
            log.warning("daily reconciliation gauges not refreshed: %s",
                        type(failure).__name__)
            return
        if status is not None:
            self._metrics.set_daily_reconciliation(status.mismatches, status.repaired,
                                                   status.held_for_review, status.days_behind)
