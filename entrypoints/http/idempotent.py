"""Run a create through IdempotentRequests and answer with the stored response."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar, cast

import msgspec
from litestar import Response
from litestar.params import HeaderParameter

from application.actor import Actor
from application.idempotency import IdempotentRequests
from application.ports import StoredResponse
from domain.classification import classify
from entrypoints.http.problems import PROBLEM_JSON, problem_for

T = TypeVar("T")
Produce = Callable[[], Awaitable[tuple[int, T]]]

IdempotencyKey = Annotated[str | None, HeaderParameter(
    name="Idempotency-Key", required=False,
    description="16-255 characters of [A-Za-z0-9_-]; required when creating payments")]


def fingerprint(body: msgspec.Struct | None) -> str:
    """Same JSON value, same fingerprint: decoded Structs re-encode canonically."""
    return hashlib.sha256(msgspec.json.encode(body)).hexdigest()


async def run_idempotent(requests: IdempotentRequests, actor: Actor, route: str,
                         key: str | None, body: msgspec.Struct | None, produce: Produce[T],
                         *, required: bool = True) -> Response[T]:
    """A `Response[T]`: `produce`'s T, or the bytes stored when the first request with
    this key encoded its T (or its problem, sent as application/problem+json). Litestar
    sends bytes content as it is, so a replay is byte for byte the first answer."""
    if key is None and not required:
        status, result = await produce()
        return Response(result, status_code=status)
    checked = IdempotentRequests.check_key(key)

    async def handler() -> tuple[StoredResponse, bool]:
        try:
            status, result = await produce()
            return StoredResponse(status, msgspec.json.encode(result)), True
        except Exception as failure:
            c = classify(failure)
            if c.code == "internal_error" or c.retryable:
                raise  # transient or unknown: not stored, the client's retry runs again
            problem, _ = problem_for(c.code, getattr(failure, "detail", "") or str(failure),
                                     route, failure)
            return StoredResponse(c.http_status, msgspec.json.encode(problem), PROBLEM_JSON), True

    stored = await requests.run(f"{actor.sub}:{route}", checked, fingerprint(body), handler)
    return Response(cast("T", stored.body), status_code=stored.status_code,
                    media_type=stored.content_type)
