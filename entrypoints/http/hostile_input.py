"""Hostile input is refused with a 4xx problem before anything parses or stores it.

- A path with a control character (`/api/v1/payments/pay%00x`) names nothing we ever
  handed out: 404, without a database round trip (PostgreSQL refuses NUL in text and
  would otherwise turn the probe into a 500).
- A query string with a control character: 400.
- A JSON body nested deeper than `MAX_JSON_DEPTH`: 400, before anything recurses into it
  (a 1,000-level body made Python's parser raise RecursionError). The card-data guard,
  which buffers every body within the size limit, applies `json_depth` first. Our
  bodies are at most three levels deep; the limit is generous.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from litestar.types import ASGIApp, Receive, Scope, Send

from entrypoints.http.asgi_problem import send_problem

MAX_JSON_DEPTH = 32
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


def json_depth(raw: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest (strings are skipped)."""
    depth = deepest = 0
    for bracket in _BRACKETS.finditer(_STRINGS.sub(b"", raw)):
        if bracket.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None


def hostile_input_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        path = scope["path"]
        if has_control_characters(path):
            await send_problem(send, "not_found", "no such resource", "/")
            return
        query = unquote_to_bytes(scope.get("query_string", b"")).decode("utf-8", "replace")
        if has_control_characters(query.replace("\t", " ")):
            await send_problem(send, "invalid_request",
                               "the query string carries control characters", path)
            return
        await app(scope, receive, send)

    return middleware
