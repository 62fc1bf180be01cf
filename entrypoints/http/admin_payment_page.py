"""The operator's payment page (/admin/payment?id=...) and its "not found" page: the
payment's facts, the review form when it is held, the refund section
(admin_refund_html.py), its refunds, the audit timeline, iKhokha's callbacks and the
platform webhook deliveries. Server-rendered HTML, plain forms, every value escaped,
nothing external, no script.
"""

from __future__ import annotations

import re
from html import escape

from application.ports import AuditEntry
from domain.money import Money
from domain.payment import Payment
from domain.refund import Refund
from entrypoints.http.admin_console_html import STYLE, header
from entrypoints.http.admin_html import HELD_BECAUSE, document, fact, flash_note
from entrypoints.http.admin_refund_html import refund_form, refund_list


def _facts(p: Payment) -> str:
    reason = p.review_reason or ""
    why = HELD_BECAUSE.get(reason, "")
    items = [
        fact("Payment", p.id, "payment-id"),
        fact("Status", p.status.value + (" (held for review)" if p.is_held else ""),
              "status"),
        fact("Amount", str(p.amount)),
        fact("Captured by iKhokha", "nothing yet" if p.captured.is_zero() else str(p.captured)),
        fact("Refunded", "nothing yet" if not p.refunded_minor else str(p.refunded)),
        *([fact("Reserved by refunds in flight",
                 str(Money(p.reserved_minor, p.amount.currency)))] if p.reserved_minor else []),
        fact("Refundable now", str(p.refundable)),
        fact("Student", p.student_id, "long"),
        fact("Enrollment", p.enrollment_id, "long"),
        fact("Paylink (iKhokha reference)", p.paylink_id or "none yet", "long"),
        fact("Created (UTC)", f"{p.created_at:%Y-%m-%d %H:%M:%S}"),
        fact("Updated (UTC)", f"{p.updated_at:%Y-%m-%d %H:%M:%S}"),
    ]
    if p.failure_code:
        items.append(fact("Failure", p.failure_code))
    items.append(fact("Review reason", (f"{reason} — {why}" if why else reason) or "none",
                       "why"))
    return f'<dl class="facts" id="facts">{"".join(items)}</dl>'


def _review_form(p: Payment) -> str:
    pid = escape(p.id)
    return (
        '<section class="card" id="review-card"><h2>Held for review</h2>'
        '<form class="resolve" method="post" action="/admin/review">'
        f'<input type="hidden" name="payment_id" value="{pid}">'
        '<input type="hidden" name="return_to" value="payment">'
        '<label for="review-reason">Reason (required; kept in the audit trail)</label>'
        '<textarea id="review-reason" name="reason" rows="2" maxlength="500" required>'
        '</textarea><div class="actions">'
        '<button type="submit" name="action" value="reverify">Re-verify with iKhokha</button>'
        '<button type="submit" name="action" value="accept" class="primary">Accept payment'
        '</button><button type="submit" name="action" value="reject" class="danger">Reject'
        '</button></div></form></section>')


def _words(action: str) -> str:
    """PaymentCreated -> Payment created; review_accepted -> Review accepted."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", action).replace("_", " ").lower()
    return text[:1].upper() + text[1:]


def _timeline(entries: list[AuditEntry]) -> str:
    if not entries:
        return '<p>No audit entries.</p>'
    items = []
    for e in entries:
        move = ""
        if e.from_status or e.to_status:
            move = f" ({e.from_status or '—'} → {e.to_status or '—'})"
        why = f'<div class="why">{escape(e.reason)}</div>' if e.reason else ""
        items.append(
            f'<li><div class="when">{e.at:%Y-%m-%d %H:%M:%S} UTC · {escape(e.actor)}</div>'
            f'<div class="what">{escape(_words(e.action))}{escape(move)}</div>'
            f'<div class="when mono">{escape(e.entity)} {escape(e.entity_id)}</div>'
            f'{why}</li>')
    return f'<ol class="timeline" id="timeline">{"".join(items)}</ol>'


def render_payment(p: Payment, refunds: list[Refund], trail: list[AuditEntry], key: str,
                   flash: tuple[str, str] | None = None, deliveries: str = "",
                   callbacks: str = "") -> str:
    """`deliveries`: the platform webhook section (admin_deliveries.py); `callbacks`:
    iKhokha's callbacks about the payment (admin_callbacks.py)."""
    body = (
        header(f"Payment {p.id}", [("nav-payments", "/admin/payments", "← Payments"),
                                   ("nav-admin", "/admin", "Operator page")])
        + flash_note(flash)
        + f'<section class="card"><h2>Facts</h2>{_facts(p)}</section>'
        + (_review_form(p) if p.is_held else "")
        + '<section class="card" id="refund-card"><h2>Refund</h2>'
        + refund_form(p, key) + '</section>'
        + f'<section class="card"><h2>Refunds</h2>{refund_list(refunds)}</section>'
        + f'<section class="card"><h2>Timeline</h2>{_timeline(trail)}</section>'
        + callbacks + deliveries)
    return document(f"Payment {p.id} — operator", body, STYLE)


def render_missing(payment_id: str, flash: tuple[str, str] | None = None) -> str:
    body = (header("Payment not found", [("nav-payments", "/admin/payments", "← Payments")])
            + flash_note(flash)
            + f'<p class="card" id="missing">No payment has the id '
              f'<span class="mono">{escape(payment_id)}</span>.</p>')
    return document("Payment not found — operator", body, STYLE)
