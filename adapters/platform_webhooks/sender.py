"""Send one platform webhook over HTTP: a fresh timestamp and signature per attempt,
the same `webhook-id` (the event id) across retries, no redirects followed.

With a previous secret configured, every send until the grace period ends carries both
signatures (current first); from then on only the current one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import aiohttp

from adapters.platform_webhooks.signing import headers
from application.secret_rotation import RotatingSecret

TIMEOUT = aiohttp.ClientTimeout(total=10)


class HttpWebhookSender:
    def __init__(self, secret: str, now_s: Callable[[], int], *, previous: str = "",
                 grace_until: datetime | None = None) -> None:
        self._secrets = RotatingSecret("platform_webhook", secret, previous, grace_until)
        self._now_s = now_s
        self._session: aiohttp.ClientSession | None = None

    async def send(self, url: str, event_id: str, body: bytes) -> int:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        signed = self.signed_headers(event_id, body)
        async with self._session.post(url, data=body, headers=signed,
                                      allow_redirects=False) as response:
            return response.status

    def signed_headers(self, event_id: str, body: bytes) -> dict[str, str]:
        """The headers of one attempt: now's timestamp, the secrets valid now."""
        now_s = self._now_s()
        keys = self._secrets.accepted(datetime.fromtimestamp(now_s, UTC))
        return headers(keys, event_id, now_s, body)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
