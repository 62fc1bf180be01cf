"""What every operator page shares: the admin cookie, the same-origin check for its
forms, the one-shot flash message, and how a refusal becomes a sentence.

See `entrypoints/http/controllers/admin.py` for why the token lives in an HttpOnly,
SameSite=Strict cookie scoped to /admin, and why forms check Origin.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from litestar import Request, Response
from litestar.datastructures import Cookie, FormMultiDict

from application.actor import Actor, Role
from domain.classification import ClassifiedFailure, classify
from domain.errors import DomainError
from entrypoints.container import Container
from entrypoints.http.admin_page import render_login, render_refused
from entrypoints.http.dependencies import ContainerPlugin

COOKIE = "skillpay_admin"
FLASH_COOKIE = "skillpay_admin_flash"
HTML = "text/html; charset=utf-8"
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY"}
# The signed-in page posts forms to itself: its Origin must reach us (see module doc).
PAGE_HEADERS = {**NO_STORE, "Referrer-Policy": "same-origin"}


def html(body: str, status: int = 200, headers: dict[str, str] | None = None,
         cookies: list[Cookie] | None = None) -> Response[str]:
    return Response(body, status_code=status, media_type=HTML, headers=headers or NO_STORE,
                    cookies=cookies)


def _container(request: Request[Any, Any, Any]) -> Container:
    """The app's container, through its plugin (the admin pages' helpers take the request,
    not injected services: moving them to a dependency is still to do)."""
    return request.app.plugins.get(ContainerPlugin).container


def actor_of(request: Request[Any, Any, Any]) -> Actor | None:
    tokens = _container(request).tokens()
    header = request.headers.get("authorization")
    cookie = request.cookies.get(COOKIE)
    if not header and not cookie:
        return None
    actor: Actor = tokens.actor_from_header(header or f"Bearer {cookie}")
    return actor


def admin_or_refusal(request: Request[Any, Any, Any],
                     missing: str | None = None) -> Actor | Response[str]:
    """The signed-in admin, or the page that says why not (401 / 403)."""
    try:
        actor = actor_of(request)
    except ClassifiedFailure:
        return html(render_login("That token is invalid or expired."), 401)
    if actor is None:
        return html(render_login(missing), 401)
    if actor.role is not Role.ADMIN:
        return html(render_login("An admin token is required."), 403)
    return actor


NOT_FROM_HERE = "This form must be sent from the operator page itself."


async def admin_form(request: Request[Any, Any, Any]
                     ) -> tuple[Actor, FormMultiDict] | Response[str]:
    """An operator's form post: sent from our own pages (403 otherwise) by a signed-in
    admin (401 / 403 otherwise). Returns the admin and the form, or the refusal page."""
    if not same_origin(request):
        return html(render_refused(NOT_FROM_HERE), 403)
    actor = admin_or_refusal(request, "Please sign in again.")
    if isinstance(actor, Response):
        return actor
    return actor, await request.form()


def secure(request: Request[Any, Any, Any]) -> bool:
    return bool(_container(request).settings().require_https
                or request.url.scheme == "https")


def same_origin(request: Request[Any, Any, Any]) -> bool:
    """False when the browser says the request came from another origin. Browsers cannot
    forge Origin; a client that sends neither header (curl, API clients) is no CSRF
    vector, and the SameSite=Strict cookie still keeps cross-site posts unauthenticated."""
    origin = request.headers.get("origin")
    if origin is None:
        site = request.headers.get("sec-fetch-site")
        return site is None or site in ("same-origin", "none")
    host = request.headers.get("host", "")
    public = urlsplit(_container(request).settings().public_url)
    mine = {f"http://{host}", f"https://{host}", f"{public.scheme}://{public.netloc}"}
    return bool(host) and origin.rstrip("/") in mine


def flash_cookie(tone: str, text: str, request: Request[Any, Any, Any]) -> Cookie:
    return Cookie(key=FLASH_COOKIE, value=quote(json.dumps([tone, text[:600]])), path="/admin",
                  max_age=120, httponly=True, samesite="strict", secure=secure(request))


def read_flash(request: Request[Any, Any, Any]) -> tuple[str, str] | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        tone, text = json.loads(unquote(raw))
    except (ValueError, TypeError):
        return None
    return (str(tone), str(text)) if isinstance(text, str) else None


def flash_shown(request: Request[Any, Any, Any]) -> list[Cookie] | None:
    """Deletes the flash cookie once the page showing it is served."""
    if not request.cookies.get(FLASH_COOKIE):
        return None
    return [Cookie(key=FLASH_COOKIE, value="", path="/admin", max_age=0, httponly=True,
                   samesite="strict")]


def sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return (text[:1].upper() + text[1:] + ".") if text else ""


def refusal_detail(failure: Exception) -> str | None:
    """Why a use-case said no, in words; None for a fault (the caller re-raises it, so it
    becomes the usual logged 500/503 problem)."""
    refused = classify(failure)
    if refused.code in ("internal_error", "storage_unavailable"):
        return None
    if isinstance(failure, ClassifiedFailure):
        return failure.detail or refused.user_message
    if isinstance(failure, DomainError):
        return str(failure)
    return f"{refused.title}: {refused.user_message}"  # e.g. iKhokha unreachable
