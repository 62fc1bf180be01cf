"""A tiny Server-Sent Events reader over aiohttp, for tests."""

from __future__ import annotations

import asyncio
import json
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
