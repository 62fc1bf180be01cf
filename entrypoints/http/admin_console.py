"""The operator console: find payments, open one, refund it, confirm a manual refund.

- `GET /admin/payments`: search by payment id, student id, status and created dates
  (UTC dates: `from` is read as that day's midnight, `to` includes that whole day),
  newest first, keyset pagination with the cursor the JSON API hands out.
- `GET /admin/payments.csv`: the same search as the API's CSV export, with the cookie
  (a browser link cannot send `Accept: text/csv` or a Bearer header).
- `GET /admin/payment?id=...`: facts, refunds, audit timeline and the action forms.
  The id is a query parameter, not a path parameter: the page is admin-only, so there is
  no owner to check (`tests/e2e/test_route_ownership.py`).
- `POST /admin/payment/refund`, `POST /admin/payment/confirm-refund`
  (admin_refund_actions.py) and `POST /admin/payment/resend-delivery`
  (admin_deliveries.py): admin cookie, same-origin only, 303 back to the payment page
  with a one-shot flash message; a refusal is a message, never a 500. Resolving a held
  payment posts to /admin/review with `return_to=payment`.

This module holds the GET routes; reading the search is in admin_payment_search.py, the
HTML in admin_payment_list_page.py and admin_payment_page.py.
"""

from __future__ import annotations

import secrets
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency

from application.actor import Actor
from application.errors import InvalidInput, NotFound
from application.use_cases.admin_payment_detail import GetPaymentDetail
from application.use_cases.audit_trail import GetAuditTrail
from application.use_cases.payment_queries import GetPayment, ListPayments
from application.use_cases.webhook_deliveries import PaymentDeliveries
from entrypoints.http.admin_callbacks import render_callbacks
from entrypoints.http.admin_deliveries import admin_resend_delivery, render_deliveries
from entrypoints.http.admin_flash import flash_shown, read_flash
from entrypoints.http.admin_payment_list_page import render_payment_list
from entrypoints.http.admin_payment_page import render_missing, render_payment
from entrypoints.http.admin_payment_search import Search, found_by_id, list_query, search_of
from entrypoints.http.admin_refund_actions import admin_confirm_refund, admin_refund
from entrypoints.http.admin_refusals import refused_text
from entrypoints.http.admin_session import NO_STORE, PAGE_HEADERS, SIGN_IN, html
from entrypoints.http.csv_export import CsvStream, csv_export, csv_of
from entrypoints.http.schemas import encode_cursor

PAGE_SIZE = 25


def _refused_search(search: Search, failure: Exception) -> Response[str]:
    text = f"That search was refused: {refused_text(failure)}"
    return html(render_payment_list(search, [], None, ("error", text)), 400,
                headers=PAGE_HEADERS)


@get("/admin/payments", include_in_schema=False,
     opt={SIGN_IN: "Sign in to search payments."})
async def admin_payments(request: Request[Any, Any, Any],
                         list_payments: NamedDependency[ListPayments],
                         get_payment: NamedDependency[GetPayment],
                         admin: NamedDependency[Actor]) -> Response[str]:
    search = search_of(request)
    flash = read_flash(request)
    try:
        query = list_query(admin, search, PAGE_SIZE, request.query_params.get("cursor") or None)
        if search.payment_id:
            payments, next_url = await found_by_id(get_payment, admin, search, query), None
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


@get("/admin/payments.csv", include_in_schema=False,
     opt={SIGN_IN: "Sign in to download payments."})
async def admin_payments_csv(request: Request[Any, Any, Any],
                             list_payments: NamedDependency[ListPayments],
                             get_payment: NamedDependency[GetPayment],
                             admin: NamedDependency[Actor]) -> Response[Any]:
    search = search_of(request)
    try:
        query = list_query(admin, search, PAGE_SIZE)
        if search.payment_id:
            found = await found_by_id(get_payment, admin, search, query)
            lines = csv_of(found)
        else:
            lines = await csv_export(list_payments, query)
    except InvalidInput as failure:
        return _refused_search(search, failure)
    return CsvStream(lines, headers={**NO_STORE,
                                     "Content-Disposition": 'attachment; filename="payments.csv"'})


@get("/admin/payment", include_in_schema=False,
     opt={SIGN_IN: "Sign in to see this payment."})
async def admin_payment(request: Request[Any, Any, Any],
                        get_payment_detail: NamedDependency[GetPaymentDetail],
                        get_audit_trail: NamedDependency[GetAuditTrail],
                        payment_deliveries: NamedDependency[PaymentDeliveries],
                        admin: NamedDependency[Actor]) -> Response[str]:
    payment_id = str(request.query_params.get("id") or "").strip()[:128]
    flash = read_flash(request)
    try:
        detail = await get_payment_detail(admin, payment_id)
        trail = await get_audit_trail(admin, payment_id)
        deliveries = await payment_deliveries(admin, payment_id)
    except NotFound:
        return html(render_missing(payment_id, flash), 404, headers=PAGE_HEADERS,
                    cookies=flash_shown(request))
    page = render_payment(detail.payment, detail.refunds, trail, secrets.token_urlsafe(18),
                          flash, render_deliveries(payment_id, deliveries),
                          render_callbacks(detail.callbacks))
    return html(page, headers=PAGE_HEADERS, cookies=flash_shown(request))


ADMIN_CONSOLE_ROUTES = (admin_payments, admin_payments_csv, admin_payment, admin_refund,
                        admin_confirm_refund, admin_resend_delivery)
