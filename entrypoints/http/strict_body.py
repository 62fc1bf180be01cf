"""Strict re-decoding of request bodies.

Litestar converts bodies leniently (the string "100" or 499.0 become the int 100 and
499). For money that is wrong, so every body is decoded again strictly from the raw
bytes; Litestar's own decode only serves the OpenAPI description and early 400s.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Request
from litestar.params import HeaderParameter

from application.errors import InvalidInput

S = TypeVar("S", bound=msgspec.Struct)

IdempotencyKey = Annotated[str | None, HeaderParameter(
    name="Idempotency-Key", required=False,
    description="16-255 characters of [A-Za-z0-9_-]; required when creating payments")]


async def strict_body(request: Request[Any, Any, Any], kind: type[S]) -> S:
    raw = await request.body()
    try:
        return msgspec.json.decode(raw, type=kind, strict=True)
    except msgspec.ValidationError as problem:
        text = str(problem)
        hint = " (amounts are integer cents, e.g. 49900 for R499.00)" \
            if "amount`" in text else ""
        raise InvalidInput(text + hint) from None
    except msgspec.DecodeError:
        raise InvalidInput("the body is not valid JSON", "malformed_json") from None
