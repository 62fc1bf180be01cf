"""Platform webhook deliveries on the operator's payment page, and their resend action.

The page lists every delivery of an event that names the payment or its enrollment:
event, URL, status, attempts, the platform's last answer. Each has a Resend button
(`POST /admin/payment/resend-delivery`: admin cookie, same-origin only, like the refund
form), which sends it once now and writes the resend to the payment's audit trail;
303 back to the payment page with what the platform answered. Why resends exist and
what they record: application/use_cases/webhook_deliveries.py.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.response import Redirect

from application.platform_webhooks import Delivery
from application.use_cases.webhook_deliveries import ResendDelivery, event_type
from entrypoints.http.admin_flash import flash_cookie
from entrypoints.http.admin_html import fact as _fact
from entrypoints.http.admin_refusals import refusal_detail, sentence
from entrypoints.http.admin_session import NO_STORE, AdminPost
from entrypoints.settings import Settings


def _answer(d: Delivery) -> str:
    if d.last_status_code is not None:
        return f"HTTP {d.last_status_code}"
    return f"no answer ({d.last_error})" if d.last_error else "not tried yet"


def _item(payment_id: str, d: Delivery) -> str:
    did = escape(d.id)
    facts = "".join([
        _fact("Event", f"{event_type(d)} · {d.event_id}", "long"),
        _fact("URL", d.url, "long"),
        _fact("Status", d.status, "status"),
        _fact("Attempts", str(d.attempts)),
        _fact("Last answer", _answer(d), "answer"),
        _fact("Next attempt (UTC)", f"{d.next_attempt_at:%Y-%m-%d %H:%M:%S}"
              if d.status == "pending" else "—"),
    ])
    return (
        f'<li class="delivery" data-delivery-id="{did}" data-status="{escape(d.status)}">'
        f'<dl class="facts">{facts}</dl>'
        '<form class="resend" method="post" action="/admin/payment/resend-delivery">'
        f'<input type="hidden" name="payment_id" value="{escape(payment_id)}">'
        f'<input type="hidden" name="delivery_id" value="{did}">'
        '<div class="actions"><button type="submit">Resend now</button></div></form></li>')


def render_deliveries(payment_id: str, deliveries: list[Delivery]) -> str:
    if not deliveries:
        inner = ('<p id="deliveries-none">No platform webhook deliveries for this payment '
                 '(none configured: SKILLPAY_PLATFORM_WEBHOOK_URLS, or none sent yet).</p>')
    else:
        items = "".join(_item(payment_id, d) for d in deliveries)
        inner = (f'<ul id="deliveries" class="timeline">{items}</ul><p class="hint">Resend '
                 'posts the event again now, with the same webhook-id, so the platform can '
                 'tell it from a new event. Each resend is audited.</p>')
    return (f'<section class="card" id="deliveries-card"><h2>Platform webhook deliveries</h2>'
            f'{inner}</section>')


def _back(request: Request[Any, Any, Any], settings: Settings, payment_id: str, tone: str,
          text: str) -> Response[Any]:
    return Redirect("/admin/payment?" + urlencode({"id": payment_id}), status_code=303,
                    headers=NO_STORE, cookies=[flash_cookie(tone, text, request, settings)])


@post("/admin/payment/resend-delivery", include_in_schema=False, status_code=303)
async def admin_resend_delivery(request: Request[Any, Any, Any],
                                admin_post: NamedDependency[AdminPost],
                                resend_delivery: NamedDependency[ResendDelivery],
                                settings: NamedDependency[Settings]) -> Response[Any]:
    """Form fields: payment_id, delivery_id."""
    actor = admin_post.actor
    payment_id = admin_post.field("payment_id")
    delivery_id = admin_post.field("delivery_id")
    try:
        sent = await resend_delivery(actor, payment_id, delivery_id)
    except Exception as failure:
        detail = refusal_detail(failure)
        if detail is None:
            raise  # a fault, not a refusal: the usual 500/503 problem, logged
        return _back(request, settings, payment_id, "error",
                     f"Delivery {delivery_id} not resent: {sentence(detail)}")
    if sent.status == "delivered":
        return _back(request, settings, payment_id, "ok", (
            f"Delivery {sent.id} resent to {sent.url}: the platform answered "
            f"{_answer(sent)}."))
    return _back(request, settings, payment_id, "error", (
        f"Delivery {sent.id} resent to {sent.url}, but the platform answered "
        f"{_answer(sent)}; status {sent.status}."))
