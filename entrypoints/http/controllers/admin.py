"""The operator page at /admin.

A browser cannot send a Bearer header when navigating, so the page takes the admin
token once through a small sign-in form (POST, never in a URL, so it reaches no access
log or browser history) and keeps it in an HttpOnly, SameSite=Strict cookie scoped to
/admin (Secure when HTTPS is required or used). API clients may send the usual Bearer
header instead. The token is never logged.

Payments held for review are resolved from the page: a form posts to /admin/review
(payment id, action, reason), which runs the same use-case as
`POST /api/v1/payments/{id}/review` and redirects (303) back to /admin, where the outcome
is shown once (a short-lived flash cookie, so no crafted link can put words on the page).
Against cross-site requests: the cookie is SameSite=Strict, and a request whose Origin
(or, without one, Sec-Fetch-Site) says it came from another site is refused with 403.
The page is served with `Referrer-Policy: same-origin` so that the browser sends its
real Origin on the page's own form posts (with `no-referrer` it would send `null`).
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote, unquote, urlsplit

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect

from adapters.sql.outage import is_storage_failure
from application.actor import Actor, Role
from application.use_cases.resolve_review import (
    ResolveReview,
    ResolveReviewCommand,
    ReviewAction,
)
from application.use_cases.review_queue import PaymentsNeedingReview
from application.use_cases.stats import GetStats
from domain.classification import ClassifiedFailure, classify
from domain.errors import DomainError
from domain.payment import CAPTURED, Payment
from entrypoints.http.admin_page import render_dashboard, render_login, render_refused
from entrypoints.http.window import parse_window

COOKIE = "skillpay_admin"
FLASH_COOKIE = "skillpay_admin_flash"
HTML = "text/html; charset=utf-8"
_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
             "X-Frame-Options": "DENY"}
# The signed-in page posts forms to itself: its Origin must reach us (see module doc).
_PAGE_HEADERS = {**_NO_STORE, "Referrer-Policy": "same-origin"}
_DONE = {ReviewAction.ACCEPT: "accepted", ReviewAction.REJECT: "rejected",
         ReviewAction.REVERIFY: "re-verified with iKhokha"}


def _html(body: str, status: int = 200, headers: dict[str, str] | None = None,
          cookies: list[Cookie] | None = None) -> Response[str]:
    return Response(body, status_code=status, media_type=HTML, headers=headers or _NO_STORE,
                    cookies=cookies)


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


def _same_origin(request: Request[Any, Any, Any]) -> bool:
    """False when the browser says the request came from another origin. Browsers cannot
    forge Origin; a client that sends neither header (curl, API clients) is no CSRF
    vector, and the SameSite=Strict cookie still keeps cross-site posts unauthenticated."""
    origin = request.headers.get("origin")
    if origin is None:
        site = request.headers.get("sec-fetch-site")
        return site is None or site in ("same-origin", "none")
    host = request.headers.get("host", "")
    public = urlsplit(request.app.state.container.settings().public_url)
    mine = {f"http://{host}", f"https://{host}", f"{public.scheme}://{public.netloc}"}
    return bool(host) and origin.rstrip("/") in mine


def _window(text: str) -> str:
    try:
        parse_window(text)
    except ClassifiedFailure:
        return "24h"
    return text.strip()


def _flash_cookie(tone: str, text: str, request: Request[Any, Any, Any]) -> Cookie:
    return Cookie(key=FLASH_COOKIE, value=quote(json.dumps([tone, text[:600]])), path="/admin",
                  max_age=120, httponly=True, samesite="strict", secure=_secure(request))


def _read_flash(request: Request[Any, Any, Any]) -> tuple[str, str] | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        tone, text = json.loads(unquote(raw))
    except (ValueError, TypeError):
        return None
    return (str(tone), str(text)) if isinstance(text, str) else None


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return (text[:1].upper() + text[1:] + ".") if text else ""


def _resolved_message(action: ReviewAction, payment: Payment) -> str:
    pid = payment.id
    if action is ReviewAction.REVERIFY and payment.is_held:
        return (f"Payment {pid} re-verified with iKhokha: iKhokha still disagrees with our "
                f"record ({payment.review_reason}), so it stays held. Accept or reject it.")
    unlocked = ": course unlocked" if payment.status in CAPTURED else ""
    if action is ReviewAction.REJECT:
        return (f"Payment {pid} rejected: closed unpaid ({payment.status.value}); "
                "the course stays locked.")
    if action is ReviewAction.REVERIFY:
        return f"Payment {pid} re-verified with iKhokha: now {payment.status.value}{unlocked}."
    return f"Payment {pid} {_DONE[action]}{unlocked or f' ({payment.status.value})'}."


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
    flash = _read_flash(request)
    shown = [Cookie(key=FLASH_COOKIE, value="", path="/admin", max_age=0, httponly=True,
                    samesite="strict")] if request.cookies.get(FLASH_COOKIE) else None
    page = render_dashboard(window, stats, await payments_needing_review(actor), flash)
    return _html(page, headers=_PAGE_HEADERS, cookies=shown)


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


@post("/admin/review", include_in_schema=False, status_code=303)
async def admin_review(request: Request[Any, Any, Any],
                       resolve_review: NamedDependency[ResolveReview]) -> Response[Any]:
    """Resolve a held payment from the page's form: payment_id, action, reason."""
    if not _same_origin(request):
        return _html(render_refused("This form must be sent from the operator page itself."),
                     403)
    try:
        actor = _actor(request)
    except ClassifiedFailure:
        return _html(render_login("That token is invalid or expired."), 401)
    if actor is None:
        return _html(render_login("Please sign in again."), 401)
    if actor.role is not Role.ADMIN:
        return _html(render_login("An admin token is required."), 403)
    form = await request.form()
    payment_id = str(form.get("payment_id", "")).strip()[:128]
    reason = str(form.get("reason", ""))
    back = "/admin?" + "window=" + quote(_window(str(form.get("window", "24h"))))
    try:
        action = ReviewAction(str(form.get("action", "")))
    except ValueError:
        return Redirect(back, status_code=303, headers=_NO_STORE, cookies=[_flash_cookie(
            "error", f"Nothing changed for payment {payment_id}: choose Re-verify, Accept "
                     "or Reject.", request)])
    try:
        payment = await resolve_review(ResolveReviewCommand(actor, payment_id, action, reason))
    except Exception as failure:
        refused = classify(failure)
        if refused.code == "internal_error" or is_storage_failure(failure):
            raise  # a fault, not a refusal: the usual 500/503 problem, logged
        if isinstance(failure, ClassifiedFailure):
            detail = failure.detail or refused.user_message
        elif isinstance(failure, DomainError):
            detail = str(failure)
        else:  # e.g. iKhokha unreachable during a re-verify
            detail = f"{refused.title}: {refused.user_message}"
        if refused.code == "reason_required":
            detail = "write a reason (1-500 characters) before choosing an action"
        message = f"Nothing changed for payment {payment_id}: {_sentence(detail)}"
        return Redirect(back, status_code=303, headers=_NO_STORE,
                        cookies=[_flash_cookie("error", message, request)])
    return Redirect(back, status_code=303, headers=_NO_STORE, cookies=[_flash_cookie(
        "ok", _resolved_message(action, payment), request)])


ADMIN_ROUTES = (admin_page, admin_login, admin_logout, admin_review)
