"""Callbacks processed off the request path, starting at once, in the instance that
acknowledged them.

The webhook handler answers 200 as soon as the inbox row is committed and hands the
item here: a bounded queue drained by a few tasks, so a course launch's burst is
acknowledged at insert speed while confirmation (a gateway call and a transaction per
callback) proceeds at the pace the gateway and the database allow. When the queue is
full the handler does not hold the item: it is left to any worker at once (PostgreSQL
wakes them with NOTIFY), and the inbox sweep remains the safety net for an instance that
dies with items in hand. `SKILLPAY_CALLBACK_CONCURRENCY=0` makes an instance acknowledge
only: every callback goes to the workers at once (instances dedicated to traffic).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from application.ports import Metrics
from application.use_cases.handle_callback import CallbackReceipt, HandleCallback

log = logging.getLogger("skillpay.callbacks")


class CallbackDispatcher:
    def __init__(self, handle: HandleCallback, metrics: Metrics, *, workers: int = 8,
                 capacity: int = 2000) -> None:
        self._handle, self._metrics = handle, metrics
        self._workers, self._capacity = workers, capacity
        self._queue: asyncio.Queue[tuple[CallbackReceipt, float]] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._busy = 0

    def has_room(self) -> bool:
        """False with no workers (an instance that only acknowledges) or a full queue."""
        if self._workers == 0:
            return False
        return (self._queue.qsize() if self._queue is not None else 0) < self._capacity

    def submit(self, receipt: CallbackReceipt, arrived_at: float) -> bool:
        """Queue an acknowledged callback; False when full (the sweep will take it).
        `arrived_at` is `time.perf_counter()` when the request came in."""
        queue = self._started()
        try:
            queue.put_nowait((receipt, arrived_at))
        except asyncio.QueueFull:
            return False
        return True

    def idle(self) -> bool:
        """Nothing queued and nothing in hand (tests wait on this)."""
        return (self._queue is None or self._queue.empty()) and self._busy == 0

    async def stop(self) -> None:
        """Stop taking work; items not finished stay in the inbox for the sweep."""
        tasks, self._tasks, self._queue = self._tasks, [], None
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _started(self) -> asyncio.Queue[tuple[CallbackReceipt, float]]:
        loop = asyncio.get_running_loop()
        if self._queue is None or self._loop is not loop:  # first use, or a new loop
            self._loop, self._busy = loop, 0
            self._queue = asyncio.Queue(self._capacity)
            self._tasks = [loop.create_task(self._drain(self._queue), name="callback-dispatch")
                           for _ in range(self._workers)]
        return self._queue

    async def _drain(self, queue: asyncio.Queue[tuple[CallbackReceipt, float]]) -> None:
        while True:
            receipt, arrived_at = await queue.get()
            self._busy += 1
            try:
                if receipt.paylink_id is not None:
                    outcome = await self._handle.process(receipt.inbox_id,
                                                         receipt.paylink_id, receipt.claimed)
                    self._metrics.callback(outcome, time.perf_counter() - arrived_at,
                                           arrived=False)
            except Exception:
                log.exception("processing callback %s failed; the sweep retries it",
                              receipt.inbox_id)
            finally:
                self._busy -= 1
                queue.task_done()
