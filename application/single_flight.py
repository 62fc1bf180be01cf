"""Concurrent callers that ask the same question share one answer.

A student reloading the return page, or a script firing hundreds of verifies, must not
turn into as many gateway calls: the first caller for a key does the work, the rest
await the same result (or failure). Nothing is cached once the work is done.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class SingleFlight(Generic[T]):
    def __init__(self) -> None:
        self._running: dict[str, asyncio.Future[T]] = {}

    async def run(self, key: str, work: Callable[[], Awaitable[T]]) -> T:
        running = self._running.get(key)
        if running is None:
            running = asyncio.ensure_future(work())
            self._running[key] = running

            def forget(_: asyncio.Future[T]) -> None:
                self._running.pop(key, None)

            running.add_done_callback(forget)
        return await asyncio.shield(running)

    def in_flight(self, key: str) -> bool:
        return key in self._running
