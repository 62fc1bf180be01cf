"""The usual security headers on every response; no-store on API and webhook answers.

HSTS is sent when HTTPS is required (browsers ignore it over plain HTTP anyway).
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                               "frame-ancestors 'none'",
}
HSTS = "max-age=63072000; includeSubDomains"
NO_STORE_PREFIXES = ("/api/", "/webhooks/")


def security_headers_middleware(require_https: bool):  # type: ignore[no-untyped-def]
    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            no_store = scope["path"].startswith(NO_STORE_PREFIXES)

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = MutableScopeHeaders.from_message(message)
                    for name, value in HEADERS.items():
                        headers[name] = value
                    if require_https:
                        headers["Strict-Transport-Security"] = HSTS
                    if no_store:
                        headers["Cache-Control"] = "no-store"
                await send(message)

            await app(scope, receive, send_with_headers)

        return middleware

    return factory
