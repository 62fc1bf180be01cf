"""Send one platform webhook over HTTP: a fresh timestamp and signature per attempt,
the same `webhook-id` (the event id) across retries, no redirects followed."""

from __future__ import annotations

from collections.abc import Callable

import aiohttp

from adapters.platform_webhooks.signing import headers

TIMEOUT = aiohttp.ClientTimeout(total=10)


class HttpWebhookSender:
    def __init__(self, secret: str, now_s: Callable[[], int]) -> None:
        self._secret, self._now_s = secret, now_s
        self._session: aiohttp.ClientSession | None = None

    async def send(self, url: str, event_id: str, body: bytes) -> int:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        signed = headers(self._secret, event_id, self._now_s(), body)
        async with self._session.post(url, data=body, headers=signed,
                                      allow_redirects=False) as response:
            return response.status

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
