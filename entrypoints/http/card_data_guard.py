"""Card data is refused before anything else reads the body (`card_data_refused`, 400).

Students type card details on iKhokha's hosted page only; a body that carries them
(card keys at any depth, or a Luhn-valid card number in any string) must not reach a
handler, a log line or the idempotency store. The refusal is logged with the place in
the body, never the value. Bodies are buffered here up to the app-wide limit (413
beyond it) and replayed to the app, whose per-route limits still apply.

A JSON body is decoded here, once (request_body.parsed_json keeps the value in the
request's scope): a handler's `data` is converted from that value, not parsed again.
The standard library's lenient parser only looks at what msgspec refuses to parse
(NaN, broken UTF-8), for card data; such a body never becomes `data`.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qs

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from entrypoints.http.asgi_problem import send_problem
from entrypoints.http.card_data import find_card_data
from entrypoints.http.hostile_input import MAX_JSON_DEPTH, json_depth
from entrypoints.http.request_body import UNPARSABLE, parsed_json

log = logging.getLogger("skillpay.security")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _decoded(scope: Scope, raw: bytes, content_type: bytes) -> Any:
    """JSON as a value, forms as a dict (their keys count too), anything else as text."""
    if content_type.startswith(b"application/x-www-form-urlencoded"):
        return parse_qs(raw.decode("utf-8", errors="replace"), keep_blank_values=True)
    value = parsed_json(scope, raw)  # type: ignore[arg-type]
    if value is not UNPARSABLE:
        return value
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


async def read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The whole body, and whether it ran past `limit` bytes (then the body is empty)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False


def card_data_guard_middleware(max_body: int):  # type: ignore[no-untyped-def]
    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
                await app(scope, receive, send)
                return
            path = scope["path"]
            declared = dict(scope["headers"]).get(b"content-length", b"0")
            too_large = declared.isdigit() and int(declared) > max_body
            body, overflow = (b"", True) if too_large else await read_body(receive, max_body)
            if overflow:
                await send_problem(send, "payload_too_large",
                                   f"the body is larger than {max_body} bytes", path)
                return
            if json_depth(body) > MAX_JSON_DEPTH:
                await send_problem(send, "invalid_request",
                                   f"JSON nested deeper than {MAX_JSON_DEPTH} levels", path)
                return
            content_type = dict(scope["headers"]).get(b"content-type", b"").lower()
            where = find_card_data(_decoded(scope, body, content_type)) if body else None
            if where is not None:
                log.warning("card data refused on %s %s at %s", scope["method"], path, where)
                await send_problem(send, "card_data_refused",
                                   "card details are never accepted by this API", path)
                return
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await app(scope, replay, send)

        return middleware

    return factory
