"""Run a create through IdempotentRequests and answer with the stored response."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Response

from application.actor import Actor
from application.idempotency import IdempotentRequests
from application.ports import StoredResponse
from domain.classification import classify
from entrypoints.http.problems import PROBLEM_JSON, problem_for

Produce = Callable[[], Awaitable[tuple[int, Any]]]


def fingerprint(body: msgspec.Struct | None) -> str:
    """Same JSON value, same fingerprint: decoded Structs re-encode canonically."""
    return hashlib.sha256(msgspec.json.encode(body)).hexdigest()


async def run_idempotent(requests: IdempotentRequests, actor: Actor, route: str,
                         key: str | None, body: msgspec.Struct | None, produce: Produce,
                         *, required: bool = True) -> Response[bytes]:
    if key is None and not required:
        status, result = await produce()
        return Response(msgspec.json.encode(result), status_code=status)
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
    return Response(stored.body, status_code=stored.status_code, media_type=stored.content_type)
