"""iKhokha's callback: 200 once durably recorded, 401 on a bad signature, never 5xx
for what the callback says. Every callback's outcome and handling time is counted.

The acknowledgement is one commit (the signature checked over the raw bytes, the inbox
row inserted); confirmation and fulfilment run after it, off the request path, in this
instance's dispatcher (see entrypoints/callback_dispatch.py).

A signed callback is never rate limited; bad ones are, per address (see rate_limits.py):
past the limit they answer 429 and are not written to the audit trail.

It is a plain ASGI route inside the app's middlewares (request ids, security headers,
the HTTPS rule, hostile input, the card-data guard, metrics and the access log all
apply), not a `@post` handler: Litestar's request, parameter and response handling
around a handler was a fifth of an acknowledgement's CPU on the busiest route
(docs/benchmarks.md). Its failures are raised as on any route and answered by the app's
problem handlers; its OpenAPI entry is callback_doc.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
from litestar import asgi
from litestar.exceptions import ClientException, MethodNotAllowedException
from litestar.handlers import ASGIRouteHandler
from litestar.types import Receive, Scope, Send

from entrypoints.http.callback_doc import CALLBACK_PATH
from entrypoints.http.callback_endpoint import CallbackEndpoint
from entrypoints.http.card_data_guard import read_body
from entrypoints.http.rate_limits import client_key
from entrypoints.http.request_body import UNPARSABLE, parsed_json

WEBHOOK_MAX_BODY = 64 * 1024
_JSON = [(b"content-type", b"application/json")]


def _decoded(scope: Scope, raw: bytes) -> Any:
    """The card-data guard's parse of these bytes (kept in the scope), so the signature
    check and the inbox's masking do not parse them again; None if msgspec refused them
    (NaN, a lone surrogate): the gateway adapter's lenient parser then decides."""
    value = parsed_json(scope, raw)  # type: ignore[arg-type]
    return None if value is UNPARSABLE else value


def ikhokha_callback_route(endpoint: Callable[[], CallbackEndpoint]) -> ASGIRouteHandler:
    """The route, given the composition root's provider of its one dependency."""
    @asgi(CALLBACK_PATH, copy_scope=False)
    async def ikhokha_callback(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST":
            raise MethodNotAllowedException(headers={"allow": "POST"})
        raw, overflow = await read_body(receive, WEBHOOK_MAX_BODY)  # replayed by the guard
        if overflow:
            raise ClientException(status_code=413, detail="Request Entity Too Large")
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        ack = await endpoint().acknowledge(headers, raw, _decoded(scope, raw),
                                           client_key(scope))
        body = msgspec.json.encode(ack)
        await send({"type": "http.response.start", "status": 200, "headers": [
            *_JSON, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return ikhokha_callback
