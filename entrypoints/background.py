"""The work that runs beside the API (in-process for `serve`, alone for `worker`):
relaying the outbox, sweeping the callback inbox (woken at once on PostgreSQL when
another instance leaves a callback to any worker), re-verifying
payments left pending, handing refunds cut off by a crash to an operator, reaping old
idempotency keys. Each loop survives its own
failures and logs them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from entrypoints.container import Container
from entrypoints.container_infrastructure import storage_kind

log = logging.getLogger("skillpay.worker")
IDEMPOTENCY_RETENTION = timedelta(hours=72)


class BackgroundWork:
    def __init__(self, container: Container, *, reap_every_s: float = 3600.0) -> None:
        self._c = container
        self._retry_s = container.settings().worker_interval_ms / 1000
        self._reap_s = reap_every_s
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        if storage_kind(self._c.settings()) == "sql":
            self._tasks.append(asyncio.create_task(self._relay_loop(), name="outbox-relay"))
        await self._c.inbox_wake().start()
        self._spawn("callback-retry", self._retry_s, self._retry_callbacks,
                    self._c.inbox_wake().wait)
        self._spawn("pending-checker", self._retry_s, self._check_pending)
        self._spawn("refund-recovery", max(self._retry_s, 30.0), self._recover_refunds)
        self._spawn("idempotency-reaper", self._reap_s, self._reap)
        self._spawn("daily-reconciliation", 300.0, self._reconcile_daily)
        if self._c.settings().platform_webhook_urls:
            self._spawn("platform-webhooks", min(1.0, self._retry_s),
                        self._c.deliver_platform_webhooks())

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self._c.inbox_wake().close()
        await self._c.webhook_sender().aclose()
        if storage_kind(self._c.settings()) == "sql":
            await self._c.outbox_relay().relay_once(limit=1000)  # drain what we can

    def _spawn(self, name: str, every_s: float, job: Callable[[], Awaitable[object]],
               pause: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        async def loop() -> None:
            while True:
                await pause(every_s)
                try:
                    await job()
                except Exception:
                    log.exception("background job %s failed; will retry", name)

        self._tasks.append(asyncio.create_task(loop(), name=name))

    async def _relay_loop(self) -> None:
        relay, signal = self._c.outbox_relay(), self._c.relay_signal()
        while True:
            try:
                if await relay.relay_once() == 0:
                    await signal.wait(1.0)
            except Exception:
                log.exception("outbox relay failed; will retry")
                await asyncio.sleep(1.0)

    async def _retry_callbacks(self) -> None:
        grace = timedelta(seconds=min(5.0, self._retry_s))
        finished = await self._c.retry_callbacks()(grace=grace)
        if finished:
            log.info("finished %d waiting callbacks", finished)

    async def _check_pending(self) -> None:
        async with self._c.job_lock().held("pending-checker") as mine:
            if not mine:  # another worker is walking the open payments this round
                return
            run = await self._c.check_pending()()
            if run.changed or run.expired:
                log.info("checker: %d checked, %d changed, %d expired", run.checked,
                         run.changed, run.expired)

    async def _recover_refunds(self) -> None:
        moved = await self._c.recover_refunds()()
        if moved:
            log.warning("%d refunds cut off mid-request now need manual action", moved)

    async def _reconcile_daily(self) -> None:
        """Every 5 minutes: yesterday in the platform's timezone, and any day missed while
        no worker ran, once across all workers (a lease per day; see docs/operations.md)."""
        for report in await self._c.daily_reconciliation()():
            found = sum(n for c, n in report.counts.items() if c != "matched")
            log.info("daily reconciliation of %s: %d mismatches, %d repaired, %d flagged "
                     "for review (report %s)", report.period_from, found,
                     report.repaired_count, report.flagged_count, report.id)

    async def _reap(self) -> None:
        cutoff = self._c.clock().now() - IDEMPOTENCY_RETENTION
        await self._c.idempotency_store().reap(cutoff)
