"""ASGI middleware counting HTTP requests by route template (never the raw path, so
ids do not explode the series) and status, and timing them; and the access log: one
structured line per request (method, route template, status, latency in ms, request id
as the answer carried it: this middleware runs outside the one that sets it). The
template keeps ids, tokens and query strings out.

Litestar runs app-level middleware after routing and puts an exception handler between
it and the handler, so the status seen here is the one the client gets. Requests that
match no route (404 before routing) are not counted.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from adapters.metrics.prometheus import PrometheusMetrics

access_log = logging.getLogger("skillpay.access")


def http_metrics(metrics: PrometheusMetrics) -> Any:
    def middleware(app: ASGIApp) -> ASGIApp:
        async def measured(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            started, status, request_id = time.perf_counter(), 500, "-"

            async def remember(message: Message) -> None:
                nonlocal status, request_id
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                    request_id = dict(message.get("headers", [])).get(
                        b"x-request-id", b"-").decode("latin-1")
                await send(message)

            try:
                await app(scope, receive, remember)
            finally:
                route = scope.get("path_template") or "unmatched"
                elapsed = time.perf_counter() - started
                metrics.http_request(scope.get("method", "GET"), route, status, elapsed)
                access_log.info("%s %s %d %.1fms request_id=%s", scope.get("method", "GET"),
                                route, status, elapsed * 1000, request_id)
        return measured
    return middleware
