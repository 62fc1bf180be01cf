"""What a student's browser sees live on the `http` stack: one Server-Sent Events
subscription per student, read in the background into a list of event names."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.support.live_stack import LiveStack
from tests.support.sse import SseStream

WAIT_S = 10.0


@dataclass
class Watch:
    names: list[str] = field(default_factory=list)
    start: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    response: Any = None

    def mark(self) -> None:
        self.start = len(self.names)

    async def seen(self, until: str) -> list[str]:
        """Events since the mark, once `until` is among them (or after WAIT_S)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_S
        while until not in self.names[self.start:] and loop.time() < deadline:
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), deadline - loop.time())
        return self.names[self.start:]

    async def caught_up(self, count: int) -> None:
        """Wait (at most WAIT_S) until `count` events have arrived in all."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_S
        while len(self.names) < count and loop.time() < deadline:
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), deadline - loop.time())
        assert len(self.names) >= count, (self.names, count)

    async def read(self, response: aiohttp.ClientResponse) -> None:
        """Event names as they arrive (no asyncio.wait_for here: a cancel must not be lost)."""
        name, has_data = "message", False
        with contextlib.suppress(aiohttp.ClientError):
            while raw := await response.content.readline():
                line = raw.decode().rstrip("\r\n")
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    has_data = True
                elif line == "" and has_data:
                    self.names.append(name)
                    self.changed.set()
                    name, has_data = "message", False


class Watchers:
    def __init__(self, stack: LiveStack) -> None:
        self._stack = stack
        self._watches: dict[str, Watch] = {}

    def get(self, sub: str) -> Watch:
        return self._watches[sub]

    async def ensure(self, sub: str) -> None:
        if sub in self._watches:
            return
        token = self._stack.tokens.mint(sub, "student")
        response = await self._stack.http.get(
            f"{self._stack.base_url}/api/v1/events", params={"access_token": token},
            timeout=aiohttp.ClientTimeout(total=None))
        assert response.status == 200, response.status
        stream = SseStream(response)
        assert (await stream.next_event())[0] == "ready"
        watch = Watch(response=response)
        watch.task = asyncio.create_task(watch.read(response))
        self._watches[sub] = watch

    async def close(self) -> None:
        for watch in self._watches.values():
            watch.response.close()
            if watch.task is not None:
                watch.task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watch.task
