"""Problem responses sent straight from ASGI middleware (before any handler runs)."""

from __future__ import annotations

import msgspec
from litestar.types import Send

from entrypoints.http.problems import PROBLEM_JSON, problem_for


async def send_problem(send: Send, code: str, detail: str, instance: str,
                       extra_headers: dict[str, str] | None = None) -> None:
    problem, headers = problem_for(code, detail, instance)
    body = msgspec.json.encode(problem)
    headers.update(extra_headers or {})
    raw = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": problem.status, "headers": raw})
    await send({"type": "http.response.body", "body": body, "more_body": False})
