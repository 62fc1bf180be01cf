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

from typing import Annotated, Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect

from application.actor import Role
from application.use_cases.daily_reconciliation import DailyReconciliation
from application.use_cases.resolve_review import (
    ResolveReview,
    ResolveReviewCommand,
    ReviewAction,
)
from application.use_cases.review_queue import PaymentsNeedingReview
from application.use_cases.stats import GetStats
from domain.classification import ClassifiedFailure, classify
from domain.payment import CAPTURED, Payment
from entrypoints.http.admin_console import ADMIN_CONSOLE_ROUTES
from entrypoints.http.admin_flash import FLASH_COOKIE, flash_cookie, flash_shown, read_flash
from entrypoints.http.admin_html import render_login
from entrypoints.http.admin_page import render_dashboard
from entrypoints.http.admin_reconciliation import admin_reconciliation, render_daily_section
from entrypoints.http.admin_refusals import refusal_detail, sentence
from entrypoints.http.admin_session import COOKIE, NO_STORE, PAGE_HEADERS, AdminPost, html, secure
from entrypoints.http.admin_session import actor_of as _actor
from entrypoints.http.auth import TokenCodec
from entrypoints.http.window import parse_window
from entrypoints.settings import Settings

__all__ = ("ADMIN_ROUTES", "COOKIE", "FLASH_COOKIE")

_DONE = {ReviewAction.ACCEPT: "accepted", ReviewAction.REJECT: "rejected",
         ReviewAction.REVERIFY: "re-verified with iKhokha"}


def _window(text: str) -> str:
    try:
        parse_window(text)
    except ClassifiedFailure:
        return "24h"
    return text.strip()


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
                     daily_reconciliation: NamedDependency[DailyReconciliation],
                     tokens: NamedDependency[TokenCodec],
                     window: Annotated[str, QueryParameter()] = "24h") -> Response[str]:
    try:
        actor = _actor(request, tokens)
    except ClassifiedFailure:
        return html(render_login("That token is invalid or expired."), 401)
    if actor is None:
        return html(render_login())
    if actor.role is not Role.ADMIN:
        return html(render_login("An admin token is required."), 403)
    stats = await get_stats(actor, parse_window(window))
    flash = read_flash(request)
    shown = flash_shown(request)
    page = render_dashboard(window, stats, await payments_needing_review(actor), flash,
                            render_daily_section(await daily_reconciliation.status()))
    return html(page, headers=PAGE_HEADERS, cookies=shown)


@post("/admin/login", include_in_schema=False, status_code=303)
async def admin_login(request: Request[Any, Any, Any], tokens: NamedDependency[TokenCodec],
                      settings: NamedDependency[Settings]) -> Response[Any]:
    form = await request.form()
    token = str(form.get("token", "")).strip()
    try:
        actor = tokens.actor_from_header(f"Bearer {token}")
    except ClassifiedFailure:
        return html(render_login("That token is invalid or expired."), 401)
    if actor.role is not Role.ADMIN:
        return html(render_login("An admin token is required."), 403)
    return Redirect("/admin", status_code=303, headers=NO_STORE, cookies=[Cookie(
        key=COOKIE, value=token, path="/admin", httponly=True, samesite="strict",
        secure=secure(request, settings))])


@post("/admin/logout", include_in_schema=False, status_code=303)
async def admin_logout() -> Response[Any]:
    return Redirect("/admin", status_code=303, headers=NO_STORE, cookies=[Cookie(
        key=COOKIE, value="", path="/admin", max_age=0, httponly=True, samesite="strict")])


@post("/admin/review", include_in_schema=False, status_code=303)
async def admin_review(request: Request[Any, Any, Any],
                       admin_post: NamedDependency[AdminPost],
                       resolve_review: NamedDependency[ResolveReview],
                       settings: NamedDependency[Settings]) -> Response[Any]:
    """Resolve a held payment from the page's form: payment_id, action, reason."""
    actor, form = admin_post.actor, admin_post.form
    payment_id = admin_post.field("payment_id")
    reason = str(form.get("reason", ""))
    back = "/admin?" + "window=" + quote(_window(str(form.get("window", "24h"))))
    if form.get("return_to") == "payment" and payment_id:  # from /admin/payment?id=...
        back = "/admin/payment?id=" + quote(payment_id, safe="")
    try:
        action = ReviewAction(str(form.get("action", "")))
    except ValueError:
        return Redirect(back, status_code=303, headers=NO_STORE, cookies=[flash_cookie(
            "error", f"Nothing changed for payment {payment_id}: choose Re-verify, Accept "
                     "or Reject.", request, settings)])
    try:
        payment = await resolve_review(ResolveReviewCommand(actor, payment_id, action, reason))
    except Exception as failure:
        found = refusal_detail(failure)
        if found is None:
            raise  # a fault, not a refusal: the usual 500/503 problem, logged
        detail = found
        if classify(failure).code == "reason_required":
            detail = "write a reason (1-500 characters) before choosing an action"
        message = f"Nothing changed for payment {payment_id}: {sentence(detail)}"
        return Redirect(back, status_code=303, headers=NO_STORE,
                        cookies=[flash_cookie("error", message, request, settings)])
    return Redirect(back, status_code=303, headers=NO_STORE, cookies=[flash_cookie(
        "ok", _resolved_message(action, payment), request, settings)])


ADMIN_ROUTES = (admin_page, admin_login, admin_logout, admin_review,
                *ADMIN_CONSOLE_ROUTES, admin_reconciliation)
