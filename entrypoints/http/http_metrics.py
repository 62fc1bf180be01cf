"""ASGI middleware counting HTTP requests by route template (never the raw path, so
ids do not explode the series) and status, and timing them.

Litestar runs app-level middleware after routing and puts an exception handler between
it and the handler, so the status seen here is the one the client gets. Requests that
match no route (404 before routing) are not counted.
"""

from __future__ import annotations

import time
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from adapters.metrics.prometheus import PrometheusMetrics


def http_metrics(metrics: PrometheusMetrics) -> Any:
    def middleware(app: ASGIApp) -> ASGIApp:
        async def measured(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            started, status = time.perf_counter(), 500

            async def remember(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                await send(message)

            try:
                await app(scope, receive, remember)
            finally:
                metrics.http_request(scope.get("method", "GET"),
                                     scope.get("path_template") or "unmatched", status,
                                     time.perf_counter() - started)
        return measured
    return middleware
