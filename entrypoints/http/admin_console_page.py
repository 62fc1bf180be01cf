"""The operator's payment list (/admin/payments) and payment page (/admin/payment?id=...):
server-rendered HTML, plain forms, every value escaped, nothing external, no script."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from application.ports import AuditEntry
from domain.money import Money
from domain.payment import Payment, PaymentStatus
from domain.refund import Refund, RefundStatus
from entrypoints.http.admin_page import _HELD_BECAUSE, _fact, _flash, _page

_STYLE = """
.search{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px 16px;
align-items:end}
.search label,.field label{display:block;font-size:12px;color:#5b6472;margin-bottom:4px}
.search input,.search select,.field input,.field textarea{width:100%;font:inherit;padding:6px;
border:1px solid #9aa5b4;border-radius:6px;background:#fff}
.search .buttons{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
table.list td,table.list th{vertical-align:top}table.list th{font-size:12px;color:#5b6472}
.num{text-align:right;white-space:nowrap}
.pager{display:flex;flex-wrap:wrap;gap:8px 20px;margin-top:12px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;background:#eef1f5;
font-size:12px;white-space:nowrap}
.badge.held,.badge.manual_action_required{background:#fff4d6;color:#7a4b00}
.badge.succeeded,.badge.refunded{background:#e8f5ec;color:#14532d}
.badge.failed{background:#fdecea;color:#7f1d1d}
.facts .long{grid-column:span 2}
.facts .long dd,.facts .payment-id dd{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,
monospace}
.field{margin:0 0 10px}.field input[type=number]{max-width:220px}
.timeline{list-style:none;margin:0;padding:0}
.timeline li{border-left:3px solid #3a6ea5;padding:2px 0 10px 12px;margin-left:4px}
.timeline .when{font-size:12px;color:#5b6472}.timeline .what{font-weight:600}
.timeline .why{margin-top:2px;overflow-wrap:anywhere}
.refund{border-top:1px solid #eee;padding:10px 0}.refund:first-child{border-top:0}
.confirm{margin-top:8px}
@media (max-width:700px){
table.list thead{display:none}table.list,table.list tbody,table.list tr{display:block}
table.list tr{border-bottom:1px solid #dde1e7;padding:8px 0}
table.list td{display:flex;justify-content:space-between;align-items:baseline;gap:12px;
border:0;padding:2px 0;text-align:right}
table.list td::before{content:attr(data-label);color:#5b6472;font-size:12px;text-align:left;
flex:none}
.actions button{flex:1 1 100%}}
"""

STATUSES = tuple(s.value for s in PaymentStatus)


@dataclass(frozen=True, slots=True)
class Search:
    """The list's filters as typed in the form (dates as YYYY-MM-DD, read as UTC)."""

    payment_id: str = ""
    student_id: str = ""
    status: str = ""
    date_from: str = ""
    date_to: str = ""

    def params(self) -> dict[str, str]:
        pairs = (("payment_id", self.payment_id), ("student_id", self.student_id),
                 ("status", self.status), ("from", self.date_from), ("to", self.date_to))
        return {k: v for k, v in pairs if v}

    def url(self, path: str, **more: str) -> str:
        query = urlencode({**self.params(), **more})
        return f"{path}?{query}" if query else path


def _header(title: str, links: Sequence[tuple[str, str, str]]) -> str:
    nav = "".join(f'<a id="{escape(i)}" href="{escape(href)}">{escape(text)}</a>'
                  for i, href, text in links)
    return f'<header class="top"><h1>{escape(title)}</h1><nav>{nav}</nav></header>'


def _payment_url(payment_id: str) -> str:
    return "/admin/payment?" + urlencode({"id": payment_id})


def _search_form(s: Search) -> str:
    options = '<option value="">any</option>' + "".join(
        f'<option{" selected" if v == s.status else ""}>{escape(v)}</option>'
        for v in STATUSES)

    def text(name: str, label: str, value: str, kind: str = "text") -> str:
        return (f'<div><label for="f-{name}">{escape(label)}</label>'
                f'<input id="f-{name}" name="{name}" type="{kind}" value="{escape(value)}"'
                f' maxlength="128" autocomplete="off"></div>')

    return (
        '<form class="card search" id="search" method="get" action="/admin/payments">'
        + text("payment_id", "Payment id", s.payment_id)
        + text("student_id", "Student id", s.student_id)
        + f'<div><label for="f-status">Status</label><select id="f-status" name="status">'
          f'{options}</select></div>'
        + text("from", "Created from (UTC date)", s.date_from, "date")
        + text("to", "Created to (UTC date, inclusive)", s.date_to, "date")
        + '<div class="buttons"><button type="submit" class="primary" id="search-go">Search'
          '</button><a href="/admin/payments">Clear</a></div></form>')


def _status(value: str, held: bool = False) -> str:
    css = "held" if held else value
    text = f"{value}, held" if held else value
    return f'<span class="badge {escape(css)}">{escape(text)}</span>'


def _css(css: str) -> str:
    return "" if css in ("", "raw") else f' class="{css}"'


def _row(p: Payment) -> str:
    cells = [
        ("Created (UTC)", f"{p.created_at:%Y-%m-%d %H:%M}", ""),
        ("Payment", f'<a class="mono" href="{escape(_payment_url(p.id))}">{escape(p.id)}</a>',
         "raw"),
        ("Student", p.student_id, "mono"),
        ("Amount", str(p.amount), "num"),
        ("Refunded", "—" if not p.refunded_minor else str(p.refunded), "num"),
        ("Status", _status(p.status.value, p.is_held), "raw"),
    ]
    tds = "".join(
        f'<td data-label="{escape(label)}"{_css(css)}>'
        f'{value if css == "raw" else escape(value)}</td>'
        for label, value, css in cells)
    return f'<tr data-payment-id="{escape(p.id)}">{tds}</tr>'


def render_payment_list(search: Search, payments: list[Payment], next_url: str | None,
                        flash: tuple[str, str] | None = None) -> str:
    if payments:
        head = "".join(f"<th>{h}</th>" for h in (
            "Created (UTC)", "Payment", "Student", "Amount", "Refunded", "Status"))
        rows = "".join(_row(p) for p in payments)
        results = (f'<table class="list" id="payments"><thead><tr>{head}</tr></thead>'
                   f'<tbody>{rows}</tbody></table>')
    else:
        results = '<p id="no-payments">No payment matches this search.</p>'
    pager = ['<a id="download-csv" href="' + escape(search.url("/admin/payments.csv")) +
             '">Download CSV</a>']
    if next_url:
        pager.insert(0, f'<a id="next-page" href="{escape(next_url)}">Next page</a>')
    body = (_header("Payments", [("nav-admin", "/admin", "Operator page")]) + _flash(flash)
            + _search_form(search)
            + '<section class="card"><h2>Newest first</h2>' + results
            + f'<div class="pager">{"".join(pager)}</div></section>')
    return _page("Payments — operator", body, _STYLE)


def _facts(p: Payment) -> str:
    reason = p.review_reason or ""
    why = _HELD_BECAUSE.get(reason, "")
    items = [
        _fact("Payment", p.id, "payment-id"),
        _fact("Status", p.status.value + (" (held for review)" if p.is_held else ""),
              "status"),
        _fact("Amount", str(p.amount)),
        _fact("Captured by iKhokha", "nothing yet" if p.captured.is_zero() else str(p.captured)),
        _fact("Refunded", "nothing yet" if not p.refunded_minor else str(p.refunded)),
        *([_fact("Reserved by refunds in flight",
                 str(Money(p.reserved_minor, p.amount.currency)))] if p.reserved_minor else []),
        _fact("Refundable now", str(p.refundable)),
        _fact("Student", p.student_id, "long"),
        _fact("Enrollment", p.enrollment_id, "long"),
        _fact("Paylink (iKhokha reference)", p.paylink_id or "none yet", "long"),
        _fact("Created (UTC)", f"{p.created_at:%Y-%m-%d %H:%M:%S}"),
        _fact("Updated (UTC)", f"{p.updated_at:%Y-%m-%d %H:%M:%S}"),
    ]
    if p.failure_code:
        items.append(_fact("Failure", p.failure_code))
    items.append(_fact("Review reason", (f"{reason} — {why}" if why else reason) or "none",
                       "why"))
    return f'<dl class="facts" id="facts">{"".join(items)}</dl>'


def _refund_form(p: Payment, key: str) -> str:
    left = p.refundable
    if left.is_zero():
        return ('<p id="refund-none">Nothing is refundable: nothing captured, or everything '
                'already refunded or reserved by a refund in flight.</p>')
    pid = escape(p.id)
    return (
        '<form id="refund-form" method="post" action="/admin/payment/refund">'
        f'<input type="hidden" name="payment_id" value="{pid}">'
        f'<input type="hidden" name="key" value="{escape(key)}">'
        '<div class="field"><label for="refund-amount">Amount in cents (integer; '
        f'refundable now: {escape(str(left))} = {left.amount_minor} cents)</label>'
        f'<input id="refund-amount" name="amount_minor" type="number" min="1" '
        f'max="{left.amount_minor}" step="1" value="{left.amount_minor}" required></div>'
        '<div class="field"><label for="refund-reason">Reason (required; kept in the audit '
        'trail and sent with the refund)</label>'
        '<textarea id="refund-reason" name="reason" rows="2" maxlength="500" required '
        'placeholder="e.g. student cancelled within the cooling-off period"></textarea></div>'
        '<div class="actions"><button type="submit" class="danger" id="refund-go">'
        'Refund</button></div>'
        '<p class="hint">With iKhokha a refund is made by hand in the iKhokha dashboard: the '
        'amount is reserved here, then confirm it below with iKhokha\'s reference.</p></form>')


def _refund_item(r: Refund) -> str:
    rid = escape(r.id)
    facts = "".join([
        _fact("Refund", r.id, "payment-id"),
        _fact("Amount", str(r.amount)),
        _fact("Status", r.status.value.replace("_", " "), "status"),
        _fact("Requested (UTC)", f"{r.created_at:%Y-%m-%d %H:%M}"),
        _fact("iKhokha reference", r.gateway_reference or "—"),
        _fact("Reason", r.reason, "why"),
    ])
    confirm = ""
    if r.status is RefundStatus.MANUAL_ACTION_REQUIRED:
        confirm = (
            f'<form class="confirm" method="post" action="/admin/payment/confirm-refund">'
            f'<input type="hidden" name="refund_id" value="{rid}">'
            f'<input type="hidden" name="payment_id" value="{escape(r.payment_id)}">'
            f'<div class="field"><label for="ref-{rid}">iKhokha refund reference (required, '
            f'from the iKhokha dashboard)</label>'
            f'<input id="ref-{rid}" name="gateway_reference" maxlength="128" required '
            f'autocomplete="off"></div><div class="actions">'
            f'<button type="submit" class="primary">Confirm refund made</button></div></form>')
    return f'<li class="refund" data-refund-id="{rid}"><dl class="facts">{facts}</dl>{confirm}</li>'


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
    refund_list = ('<p id="refunds-none">No refunds.</p>' if not refunds else
                   f'<ul id="refunds" class="timeline">'
                   f'{"".join(_refund_item(r) for r in refunds)}</ul>')
    body = (
        _header(f"Payment {p.id}", [("nav-payments", "/admin/payments", "← Payments"),
                                    ("nav-admin", "/admin", "Operator page")])
        + _flash(flash)
        + f'<section class="card"><h2>Facts</h2>{_facts(p)}</section>'
        + (_review_form(p) if p.is_held else "")
        + '<section class="card" id="refund-card"><h2>Refund</h2>'
        + _refund_form(p, key) + '</section>'
        + f'<section class="card"><h2>Refunds</h2>{refund_list}</section>'
        + f'<section class="card"><h2>Timeline</h2>{_timeline(trail)}</section>'
        + callbacks + deliveries)
    return _page(f"Payment {p.id} — operator", body, _STYLE)


def render_missing(payment_id: str, flash: tuple[str, str] | None = None) -> str:
    body = (_header("Payment not found", [("nav-payments", "/admin/payments", "← Payments")])
            + _flash(flash)
            + f'<p class="card" id="missing">No payment has the id '
              f'<span class="mono">{escape(payment_id)}</span>.</p>')
    return _page("Payment not found — operator", body, _STYLE)
