"""The operator console: find payments, open one, refund it, confirm a manual refund.

- `GET /admin/payments`: search by payment id, student id, status and created dates
  (UTC dates: `from` is read as that day's midnight, `to` includes that whole day),
  newest first, keyset pagination with the cursor the JSON API hands out.
- `GET /admin/payments.csv`: the same search as the API's CSV export, with the cookie
  (a browser link cannot send `Accept: text/csv` or a Bearer header).
- `GET /admin/payment?id=...`: facts, refunds, audit timeline and the action forms.
  The id is a query parameter, not a path parameter: the page is admin-only, so there is
  no owner to check (`tests/e2e/test_route_ownership.py`).
- `POST /admin/payment/refund`, `POST /admin/payment/confirm-refund` and
  `POST /admin/payment/resend-delivery` (admin_deliveries.py): admin cookie,
  same-origin only, 303 back to the payment page with a one-shot flash message; a refusal
  is a message, never a 500. Resolving a held payment posts to /admin/review with
  `return_to=payment`.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect

from application.actor import Actor
from application.errors import InvalidInput, NotFound
from application.use_cases.admin_payment_detail import GetPaymentDetail
from application.use_cases.audit_trail import GetAuditTrail
from application.use_cases.payment_queries import GetPayment, ListPayments, ListPaymentsQuery
from application.use_cases.refund_queries import ConfirmRefund
from application.use_cases.request_refund import RequestRefund, RequestRefundCommand
from application.use_cases.webhook_deliveries import PaymentDeliveries
from domain.classification import classify
from domain.payment import Payment
from domain.refund import Refund, RefundStatus
from entrypoints.http.admin_callbacks import render_callbacks
from entrypoints.http.admin_console_page import (
    Search,
    render_missing,
    render_payment,
    render_payment_list,
)
from entrypoints.http.admin_deliveries import admin_resend_delivery, render_deliveries
from entrypoints.http.admin_session import (
    NO_STORE,
    PAGE_HEADERS,
    admin_form,
    admin_or_refusal,
    flash_cookie,
    flash_shown,
    html,
    read_flash,
    refusal_detail,
    sentence,
)
from entrypoints.http.csv_export import CsvStream, csv_export, csv_of
from entrypoints.http.schemas import decode_cursor, encode_cursor

PAGE_SIZE = 25
_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _search(request: Request[Any, Any, Any]) -> Search:
    q = request.query_params

    def one(name: str) -> str:
        return str(q.get(name) or "").strip()[:128]

    return Search(payment_id=one("payment_id"), student_id=one("student_id"),
                  status=one("status"), date_from=one("from"), date_to=one("to"))


def _when(text: str, name: str, *, end_of_day: bool) -> datetime | None:
    """A date (or date and time) as typed; without a timezone it is UTC. A plain `to`
    date includes that whole day."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{name} must be a date like 2026-01-31") from None
    if value.utcoffset() is None:
        value = value.replace(tzinfo=UTC)
    if end_of_day and len(text) == 10:  # YYYY-MM-DD
        value += timedelta(days=1) - timedelta(microseconds=1)
    return value


def _query(actor: Actor, s: Search, cursor: str | None = None) -> ListPaymentsQuery:
    return ListPaymentsQuery(
        actor=actor, status=s.status or None, student_id=s.student_id or None,
        created_from=_when(s.date_from, "Created from", end_of_day=False),
        created_to=_when(s.date_to, "Created to", end_of_day=True), limit=PAGE_SIZE,
        after=decode_cursor(cursor) if cursor else None)


def _matches(p: Payment, q: ListPaymentsQuery) -> bool:
    return ((q.student_id is None or p.student_id == q.student_id)
            and (q.status is None or p.status.value == q.status)
            and (q.created_from is None or p.created_at >= q.created_from)
            and (q.created_to is None or p.created_at <= q.created_to))


async def _by_id(get_payment: GetPayment, actor: Actor, s: Search,
                 q: ListPaymentsQuery) -> list[Payment]:
    try:
        payment = await get_payment(actor, s.payment_id)
    except NotFound:
        return []
    return [payment] if _matches(payment, q) else []


def _refused_text(failure: Exception, plain: dict[str, str] | None = None) -> str | None:
    """The refusal as a sentence (`plain` rewords some codes); None for a fault."""
    detail = refusal_detail(failure)
    if detail is None:
        return None
    return (plain or {}).get(classify(failure).code) or sentence(detail)


def _refused_search(search: Search, failure: Exception) -> Response[str]:
    text = f"That search was refused: {_refused_text(failure)}"
    return html(render_payment_list(search, [], None, ("error", text)), 400,
                headers=PAGE_HEADERS)


@get("/admin/payments", include_in_schema=False)
async def admin_payments(request: Request[Any, Any, Any],
                         list_payments: NamedDependency[ListPayments],
                         get_payment: NamedDependency[GetPayment]) -> Response[str]:
    actor = admin_or_refusal(request, "Sign in to search payments.")
    if isinstance(actor, Response):
        return actor
    search = _search(request)
    flash = read_flash(request)
    try:
        query = _query(actor, search, request.query_params.get("cursor") or None)
        if search.payment_id:
            payments, next_url = await _by_id(get_payment, actor, search, query), None
        else:
            page = await list_payments(query)
            payments, next_url = page.items, None
            if page.has_more and page.items:
                last = page.items[-1]
                next_url = search.url("/admin/payments",
                                      cursor=encode_cursor(last.created_at, last.id))
    except InvalidInput as failure:
        return _refused_search(search, failure)
    return html(render_payment_list(search, payments, next_url, flash), headers=PAGE_HEADERS,
                cookies=flash_shown(request))


@get("/admin/payments.csv", include_in_schema=False)
async def admin_payments_csv(request: Request[Any, Any, Any],
                             list_payments: NamedDependency[ListPayments],
                             get_payment: NamedDependency[GetPayment]) -> Response[Any]:
    actor = admin_or_refusal(request, "Sign in to download payments.")
    if isinstance(actor, Response):
        return actor
    search = _search(request)
    try:
        query = _query(actor, search)
        if search.payment_id:
            found = await _by_id(get_payment, actor, search, query)
            lines = csv_of(found)
        else:
            lines = await csv_export(list_payments, query)
    except InvalidInput as failure:
        return _refused_search(search, failure)
    return CsvStream(lines, headers={**NO_STORE,
                                     "Content-Disposition": 'attachment; filename="payments.csv"'})


def _payment_url(payment_id: str) -> str:
    return "/admin/payment?" + urlencode({"id": payment_id})


@get("/admin/payment", include_in_schema=False)
async def admin_payment(request: Request[Any, Any, Any],
                        get_payment_detail: NamedDependency[GetPaymentDetail],
                        get_audit_trail: NamedDependency[GetAuditTrail],
                        payment_deliveries: NamedDependency[PaymentDeliveries]
                        ) -> Response[str]:
    actor = admin_or_refusal(request, "Sign in to see this payment.")
    if isinstance(actor, Response):
        return actor
    payment_id = str(request.query_params.get("id") or "").strip()[:128]
    flash = read_flash(request)
    try:
        detail = await get_payment_detail(actor, payment_id)
        trail = await get_audit_trail(actor, payment_id)
        deliveries = await payment_deliveries(actor, payment_id)
    except NotFound:
        return html(render_missing(payment_id, flash), 404, headers=PAGE_HEADERS,
                    cookies=flash_shown(request))
    page = render_payment(detail.payment, detail.refunds, trail, secrets.token_urlsafe(18),
                          flash, render_deliveries(payment_id, deliveries),
                          render_callbacks(detail.callbacks))
    return html(page, headers=PAGE_HEADERS, cookies=flash_shown(request))


def _back(request: Request[Any, Any, Any], payment_id: str, tone: str,
          text: str) -> Response[Any]:
    return Redirect(_payment_url(payment_id), status_code=303, headers=NO_STORE,
                    cookies=[flash_cookie(tone, text, request)])


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
                       request_refund: NamedDependency[RequestRefund]) -> Response[Any]:
    """Form fields: payment_id, amount_minor (integer cents), reason, key (a random token
    rendered into the form, so a double submit finds the same refund)."""
    posted = await admin_form(request)
    if isinstance(posted, Response):
        return posted
    actor, form = posted
    payment_id = str(form.get("payment_id", "")).strip()[:128]
    raw_amount = str(form.get("amount_minor", "")).strip()
    key = str(form.get("key", ""))
    if not _KEY.fullmatch(key):
        key = secrets.token_urlsafe(18)
    if not raw_amount.isdigit() or not 0 < int(raw_amount) < 10**12:
        return _back(request, payment_id, "error", (
            "Nothing refunded: The amount must be a whole number of cents above zero, "
            "e.g. 12050 for R120.50."))
    command = RequestRefundCommand(actor, payment_id, str(form.get("reason", "")),
                                   int(raw_amount), f"admin-page:{key}")
    try:
        refund = await request_refund(command)
    except Exception as failure:
        text = _refused_text(failure, {
            "reason_required": "Write a reason (1-500 characters) for the refund."})
        if text is None:
            raise  # a fault, not a refusal: the usual 500/503 problem, logged
        return _back(request, payment_id, "error", f"Nothing refunded: {text}")
    return _back(request, refund.payment_id, "ok", _refund_done(refund))


@post("/admin/payment/confirm-refund", include_in_schema=False, status_code=303)
async def admin_confirm_refund(request: Request[Any, Any, Any],
                               confirm_refund: NamedDependency[ConfirmRefund]) -> Response[Any]:
    """Form fields: payment_id (where to go back), refund_id, gateway_reference."""
    posted = await admin_form(request)
    if isinstance(posted, Response):
        return posted
    actor, form = posted
    payment_id = str(form.get("payment_id", "")).strip()[:128]
    refund_id = str(form.get("refund_id", "")).strip()[:128]
    try:
        refund = await confirm_refund(actor, refund_id,
                                      str(form.get("gateway_reference", "")))
    except Exception as failure:
        text = _refused_text(failure, {
            "gateway_reference_required": "Enter iKhokha's refund reference (1-128 "
                                          "characters)."})
        if text is None:
            raise  # a fault, not a refusal: the usual 500/503 problem, logged
        return _back(request, payment_id, "error", f"Refund {refund_id} not confirmed: {text}")
    return _back(request, refund.payment_id, "ok", (
        f"Refund {refund.id} of {refund.amount} confirmed with iKhokha reference "
        f"{refund.gateway_reference}: the money counts as returned."))


ADMIN_CONSOLE_ROUTES = (admin_payments, admin_payments_csv, admin_payment, admin_refund,
                        admin_confirm_refund, admin_resend_delivery)
