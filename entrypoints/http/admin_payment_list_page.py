"""The operator's payment list (/admin/payments): the search form, one row per payment
(newest first), the next-page and CSV links. Server-rendered HTML, plain forms, every
value escaped, nothing external, no script. What the search means and how it is read
from the query string: admin_payment_search.py.
"""

from __future__ import annotations

from html import escape

from domain.payment import Payment, PaymentStatus
from entrypoints.http.admin_console_html import STYLE, header, payment_url
from entrypoints.http.admin_html import document, flash_note
from entrypoints.http.admin_payment_search import Search

STATUSES = tuple(s.value for s in PaymentStatus)


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
        ("Payment", f'<a class="mono" href="{escape(payment_url(p.id))}">{escape(p.id)}</a>',
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
    body = (header("Payments", [("nav-admin", "/admin", "Operator page")]) + flash_note(flash)
            + _search_form(search)
            + '<section class="card"><h2>Newest first</h2>' + results
            + f'<div class="pager">{"".join(pager)}</div></section>')
    return document("Payments — operator", body, STYLE)
