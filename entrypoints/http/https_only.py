"""SKILLPAY_REQUIRE_HTTPS: plain-HTTP requests get a 403 problem (`https_required`).

No redirect: an API client that sent a token over plain HTTP has already leaked it, and a
redirect would teach it to keep doing so. Health checks and /metrics are exempt: load
balancers and Prometheus probe them over plain HTTP inside the private network. The
resolved client IP and scheme are left in `scope["state"]` for the rate limits and logs.
"""

from __future__ import annotations

from litestar.types import ASGIApp, Receive, Scope, Send

from entrypoints.http.asgi_problem import send_problem
from entrypoints.http.forwarded import TrustedProxies

PROBE_PATHS = ("/health/", "/metrics")  # probed over plain HTTP inside the private network


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def https_only_middleware(require_https: bool, proxies: TrustedProxies):  # type: ignore[no-untyped-def]
    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] not in ("http", "websocket"):
                await app(scope, receive, send)
                return
            peer = (scope.get("client") or ("", 0))[0]
            origin = proxies.resolve(peer, scope.get("scheme", "http"),
                                     _header(scope, b"x-forwarded-for"),
                                     _header(scope, b"x-forwarded-proto"))
            scope.setdefault("state", {})["client_ip"] = origin.client_ip
            secure = origin.scheme in ("https", "wss")
            if require_https and not secure and scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})  # policy violation
                return
            if (require_https and not secure and scope["type"] == "http"
                    and not scope["path"].startswith(PROBE_PATHS)):
                await send_problem(send, "https_required",
                                   "this API is served over HTTPS only", scope["path"])
                return
            await app(scope, receive, send)

        return middleware

    return factory
