"""Group commit: rows that arrive together are stored with one commit.

Used where many requests each write one small row: the callback acknowledgement's
INSERT (callback_intake.py) and the record of each gateway call (monitoring.py). Each
caller waits for its own answer, which comes only once the commit that holds its row is
done, so an acknowledgement's 200 still means "stored". What changes is how many rows
one round trip and one commit carry: rows that arrive while a commit is in flight join
the next one (at most `most` rows), and at most `at_once` commits run at a time (one
per connection the caller may use). Alone, a row is a batch of one and waits for
nothing. On a busy instance the statements per second, the commits the database flushes
and the driver's work per row all shrink by the batch size (docs/benchmarks.md).

A batch that fails for a reason other than the database being away (a row the table
refuses) is retried row by row, so one bad row cannot fail the others beside it; an
outage fails them all, as it would have one by one (a callback gets 503, and iK Pay
retries).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from adapters.sql.unavailable import is_connection_failure

Flush = Callable[[list[Any]], Awaitable[list[bool]]]


class GroupCommit:
    def __init__(self, flush: Flush, *, most: int = 64, at_once: int = 4) -> None:
        """`flush(rows)` stores rows with one commit and answers, row by row, whether
        each was stored (False: its dedupe key was taken, even by a row before it in
        the same batch)."""
        self._flush = flush
        self._most, self._at_once = most, at_once
        self._waiting: list[tuple[Any, asyncio.Future[bool]]] = []
        self._running: set[asyncio.Task[None]] = set()

    async def store(self, row: Any) -> bool:
        """True when `row` was stored, False when its key was already there."""
        answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((row, answer))
        self._start()
        return await answer

    def _start(self) -> None:
        loop = asyncio.get_running_loop()
        # A drain of a loop that has since closed never finishes: it does not count.
        self._running = {t for t in self._running if t.get_loop() is loop and not t.done()}
        if self._waiting and len(self._running) < self._at_once:
            task = asyncio.create_task(self._drain())
            self._running.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        self._start()  # a drain cancelled with callers still waiting: another takes them

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:self._most], self._waiting[self._most:]
            try:
                await self._settle(batch)
            except asyncio.CancelledError:
                for _, answer in batch:
                    answer.cancel()
                raise
            except Exception as exc:  # noqa: BLE001 - handed to each waiting caller
                if len(batch) == 1 or is_connection_failure(exc):
                    _fail(batch, exc)
                    continue
                for one in batch:  # one bad row must not fail its neighbours
                    try:
                        await self._settle([one])
                    except Exception as alone:  # noqa: BLE001 - its caller's answer
                        _fail([one], alone)

    async def _settle(self, batch: list[tuple[Any, asyncio.Future[bool]]]) -> None:
        stored = await self._flush([row for row, _ in batch])
        for (_, answer), stored_here in zip(batch, stored, strict=True):
            if not answer.done():  # a caller that went away leaves its row stored
                answer.set_result(stored_here)


def _fail(batch: list[tuple[Any, asyncio.Future[bool]]], exc: Exception) -> None:
    for _, answer in batch:
        if not answer.done():
            answer.set_exception(exc)
