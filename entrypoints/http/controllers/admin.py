"""The operator page at /admin.

A browser cannot send a Bearer header when navigating, so the page takes the admin
token once through a small sign-in form (POST, never in a URL, so it reaches no access
log or browser history) and keeps it in an HttpOnly, SameSite=Strict cookie scoped to
/admin (Secure when HTTPS is required or used). API clients may send the usual Bearer
header instead. The token is never logged.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect

from application.actor import Actor, Role
from application.use_cases.review_queue import PaymentsNeedingReview
from application.use_cases.stats import GetStats
from domain.classification import ClassifiedFailure
from entrypoints.http.admin_page import render_dashboard, render_login
from entrypoints.http.window import parse_window

COOKIE = "skillpay_admin"
HTML = "text/html; charset=utf-8"
_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
             "X-Frame-Options": "DENY"}


def _html(body: str, status: int = 200) -> Response[str]:
    return Response(body, status_code=status, media_type=HTML, headers=_NO_STORE)


def _actor(request: Request[Any, Any, Any]) -> Actor | None:
    tokens = request.app.state.tokens
    header = request.headers.get("authorization")
    cookie = request.cookies.get(COOKIE)
    if not header and not cookie:
        return None
    actor: Actor = tokens.actor_from_header(header or f"Bearer {cookie}")
    return actor


def _secure(request: Request[Any, Any, Any]) -> bool:
    return bool(request.app.state.container.settings().require_https
                or request.url.scheme == "https")


@get("/admin", include_in_schema=False)
async def admin_page(request: Request[Any, Any, Any], get_stats: NamedDependency[GetStats],
                     payments_needing_review: NamedDependency[PaymentsNeedingReview],
                     window: Annotated[str, QueryParameter()] = "24h") -> Response[str]:
    try:
        actor = _actor(request)
    except ClassifiedFailure:
        return _html(render_login("That token is invalid or expired."), 401)
    if actor is None:
        return _html(render_login())
    if actor.role is not Role.ADMIN:
        return _html(render_login("An admin token is required."), 403)
    stats = await get_stats(actor, parse_window(window))
    return _html(render_dashboard(window, stats, await payments_needing_review(actor)))


@post("/admin/login", include_in_schema=False, status_code=303)
async def admin_login(request: Request[Any, Any, Any]) -> Response[Any]:
    form = await request.form()
    token = str(form.get("token", "")).strip()
    try:
        actor = request.app.state.tokens.actor_from_header(f"Bearer {token}")
    except ClassifiedFailure:
        return _html(render_login("That token is invalid or expired."), 401)
    if actor.role is not Role.ADMIN:
        return _html(render_login("An admin token is required."), 403)
    return Redirect("/admin", status_code=303, headers=_NO_STORE, cookies=[Cookie(
        key=COOKIE, value=token, path="/admin", httponly=True, samesite="strict",
        secure=_secure(request))])


@post("/admin/logout", include_in_schema=False, status_code=303)
async def admin_logout() -> Response[Any]:
    return Redirect("/admin", status_code=303, headers=_NO_STORE, cookies=[Cookie(
        key=COOKIE, value="", path="/admin", max_age=0, httponly=True, samesite="strict")])
