"""Signed HTTP exchanges with iK Pay over one pooled aiohttp session.

The body is encoded once by the caller; the same bytes are signed and sent as
`data=` so aiohttp never re-serialises them. Redirects are never followed (a
redirect from a payment API is an anomaly, and following it would leak signed
headers to another host). Transport errors leave as ClassifiedFailure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import aiohttp
from yarl import URL

from adapters.ikhokha.failures import from_exception
from adapters.ikhokha.signing import signed_headers
from adapters.system.request_id import HEADER as REQUEST_ID_HEADER
from adapters.system.request_id import current_request_id
from domain.classification import ClassifiedFailure

MAX_RESPONSE_BYTES = 1 << 20
# A history window (7 days) of a busy merchant runs to megabytes (~200 bytes a paylink).
MAX_HISTORY_BYTES = 32 << 20


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: Mapping[str, str]  # case-insensitive (aiohttp's CIMultiDictProxy)
    body: bytes


class Transport:
    def __init__(self, base_url: str, app_id: str, app_secret: str, *,
                 session: aiohttp.ClientSession | None = None, connector_limit: int = 20) -> None:
        self._base = base_url.rstrip("/")
        self._base_path = urlsplit(self._base).path
        self.host = urlsplit(self._base).netloc
        self._app_id = app_id
        self._secret = app_secret
        self._session = session
        self._owns_session = session is None
        self._limit = connector_limit

    def _get_session(self) -> aiohttp.ClientSession:
        """Created lazily inside the running loop; one per gateway, i.e. per process."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._limit, limit_per_host=self._limit)
            self._session = aiohttp.ClientSession(connector=connector,
                                                  cookie_jar=aiohttp.DummyCookieJar())
        return self._session

    async def aclose(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()

    async def send(self, method: str, segments: tuple[str, ...], *, body: bytes = b"",
                   params: dict[str, str] | None = None, timeout_s: float,
                   max_bytes: int = MAX_RESPONSE_BYTES) -> Answer:
        suffix = "".join("/" + quote(s, safe="") for s in segments)
        path = self._base_path + suffix
        url = URL(self._base + suffix, encoded=True)
        if params:
            url = url.with_query(params)
        headers = signed_headers(self._app_id, self._secret, path, body)
        request_id = current_request_id.get()
        if request_id:
            headers = {**headers, REQUEST_ID_HEADER: request_id}
        try:
            async with self._get_session().request(
                    method, url, data=body if method != "GET" else None, headers=headers,
                    allow_redirects=False, timeout=aiohttp.ClientTimeout(total=timeout_s)) as resp:
                return Answer(resp.status, resp.headers, await _read_whole(resp, max_bytes))
        except ClassifiedFailure:
            raise
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise from_exception(exc) from None


async def _read_whole(resp: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    """The whole body, refused past `max_bytes`. (`content.read(n)` returns only what
    has arrived so far: one chunk of a large answer, which then looks malformed.)"""
    body = bytearray()
    async for chunk in resp.content.iter_any():
        body += chunk
        if len(body) > max_bytes:
            raise ClassifiedFailure("gateway_malformed_response", "response too large")
    return bytes(body)
