"""The payment page's refund forms: `POST /admin/payment/refund` (reserve or make a
refund) and `POST /admin/payment/confirm-refund` (record iKhokha's reference for a
manual refund). Admin cookie, same-origin only (admin_session.admin_form), 303 back to
the payment page with a one-shot flash message; a refusal is a message, never a 500.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.response import Redirect

from application.use_cases.refund_queries import ConfirmRefund
from application.use_cases.request_refund import RequestRefund, RequestRefundCommand
from domain.refund import Refund, RefundStatus
from entrypoints.http.admin_console_html import payment_url
from entrypoints.http.admin_flash import flash_cookie
from entrypoints.http.admin_refusals import refused_text
from entrypoints.http.admin_session import NO_STORE, AdminPost
from entrypoints.settings import Settings

_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _back(request: Request[Any, Any, Any], settings: Settings, payment_id: str, tone: str,
          text: str) -> Response[Any]:
    return Redirect(payment_url(payment_id), status_code=303, headers=NO_STORE,
                    cookies=[flash_cookie(tone, text, request, settings)])


def _refund_done(r: Refund) -> str:
    if r.status is RefundStatus.MANUAL_ACTION_REQUIRED:
        return (f"Refund {r.id} of {r.amount} recorded and reserved. iKhokha has no refund "
                "API: make the refund in the iKhokha dashboard, then confirm it here with "
                "iKhokha's reference.")
    if r.status is RefundStatus.SUCCEEDED:
        return (f"Refund {r.id} of {r.amount} done: iKhokha refunded it "
                f"(reference {r.gateway_reference}).")
    return f"Refund {r.id} of {r.amount} is {r.status.value.replace('_', ' ')}."


@post("/admin/payment/refund", include_in_schema=False, status_code=303)
async def admin_refund(request: Request[Any, Any, Any],
                       admin_post: NamedDependency[AdminPost],
                       request_refund: NamedDependency[RequestRefund],
                       settings: NamedDependency[Settings]) -> Response[Any]:
    """Form fields: payment_id, amount_minor (integer cents), reason, key (a random token
    rendered into the form, so a double submit finds the same refund)."""
    actor, form = admin_post.actor, admin_post.form
    payment_id = admin_post.field("payment_id")
    raw_amount = str(form.get("amount_minor", "")).strip()
    key = str(form.get("key", ""))
    if not _KEY.fullmatch(key):
        key = secrets.token_urlsafe(18)
    if not raw_amount.isdigit() or not 0 < int(raw_amount) < 10**12:
        return _back(request, settings, payment_id, "error", (
            "Nothing refunded: The amount must be a whole number of cents above zero, "
            "e.g. 12050 for R120.50."))
    command = RequestRefundCommand(actor, payment_id, str(form.get("reason", "")),
                                   int(raw_amount), f"admin-page:{key}")
    try:
        refund = await request_refund(command)
    except Exception as failure:
        text = refused_text(failure, {
            "reason_required": "Write a reason (1-500 characters) for the refund."})
        if text is None:
            raise  # a fault, not a refusal: the usual 500/503 problem, logged
        return _back(request, settings, payment_id, "error", f"Nothing refunded: {text}")
    return _back(request, settings, refund.payment_id, "ok", _refund_done(refund))


@post("/admin/payment/confirm-refund", include_in_schema=False, status_code=303)
async def admin_confirm_refund(request: Request[Any, Any, Any],
                               admin_post: NamedDependency[AdminPost],
                               confirm_refund: NamedDependency[ConfirmRefund],
                               settings: NamedDependency[Settings]) -> Response[Any]:
    """Form fields: payment_id (where to go back), refund_id, gateway_reference."""
    actor, form = admin_post.actor, admin_post.form
    payment_id = admin_post.field("payment_id")
    refund_id = admin_post.field("refund_id")
    try:
        refund = await confirm_refund(actor, refund_id,
                                      str(form.get("gateway_reference", "")))
    except Exception as failure:
        text = refused_text(failure, {
            "gateway_reference_required": "Enter iKhokha's refund reference (1-128 "
                                          "characters)."})
        if text is None:
            raise  # a fault, not a refusal: the usual 500/503 problem, logged
        return _back(request, settings, payment_id, "error",
                     f"Refund {refund_id} not confirmed: {text}")
    return _back(request, settings, refund.payment_id, "ok", (
        f"Refund {refund.id} of {refund.amount} confirmed with iKhokha reference "
        f"{refund.gateway_reference}: the money counts as returned."))
