"""A tiny Server-Sent Events reader over aiohttp, for tests."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp


class SseStream:
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def next_event(self, timeout: float = 10.0) -> tuple[str, dict[str, Any]]:
        async def read() -> tuple[str, dict[str, Any]]:
            name, data = "message", ""
            while True:
                raw = await self._response.content.readline()
                if not raw:
                    raise ConnectionError("stream closed")
                line = raw.decode().rstrip("\r\n")
                if line == "" and data:
                    return name, json.loads(data)
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data += line[5:].strip()

        return await asyncio.wait_for(read(), timeout)

    async def wait_for(self, event_type: str, timeout: float = 10.0) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            name, data = await self.next_event(max(left, 0.01))
            if name == event_type:
                return data


PROBE = "Probe"


async def probe_until(channels: Any, channel: str, arrived: Callable[[], Awaitable[object]],
                      timeout_s: float = 10.0) -> None:
    """Publish probe events ({"type": "Probe"}) on `channel` through `channels` (an
    instance's Litestar ChannelsPlugin) every 50 ms until `arrived()` returns: the wait for
    a subscription to be live end to end (through Redis, the SUBSCRIBE completes a moment
    after the stream said "ready"), instead of a fixed sleep. Subscribers see the probes;
    tests waiting for other event types skip them."""
    async def keep_publishing() -> None:
        for n in itertools.count():
            await channels.wait_published({"type": PROBE, "id": f"probe-{n}"}, [channel])
            await asyncio.sleep(0.05)

    publisher = asyncio.create_task(keep_publishing())
    try:
        await asyncio.wait_for(arrived(), timeout_s)
    except TimeoutError:
        raise AssertionError(f"no probe on {channel!r} arrived within {timeout_s} s") from None
    finally:
        publisher.cancel()
        await asyncio.gather(publisher, return_exceptions=True)
