"""The usual security headers on every response; no-store on API and webhook answers.

HSTS is sent when HTTPS is required (browsers ignore it over plain HTTP anyway). A header
the handler set itself is kept.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# API answers are data, never documents: nothing may load or run. HTML pages (return page,
# operator and sandbox pages) keep their own scripts and styles but are never framed.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
PAGE_CSP = "frame-ancestors 'none'"
HSTS = "max-age=63072000; includeSubDomains"
NO_STORE_PREFIXES = ("/api/", "/webhooks/")


def security_headers_middleware(require_https: bool):  # type: ignore[no-untyped-def]
    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            api = scope["path"].startswith(NO_STORE_PREFIXES)

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = MutableScopeHeaders.from_message(message)
                    wanted = {**HEADERS, "Content-Security-Policy": API_CSP if api else PAGE_CSP}
                    if require_https:
                        wanted["Strict-Transport-Security"] = HSTS
                    if api:
                        wanted["Cache-Control"] = "no-store"
                    for name, value in wanted.items():
                        if name not in headers:  # a page that sets its own policy keeps it
                            headers[name] = value
                await send(message)

            await app(scope, receive, send_with_headers)

        return middleware

    return factory
