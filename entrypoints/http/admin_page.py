"""The operator page at /admin (the dashboard): payments held for review, the daily
reconciliation card, the window's KPIs and charts. Server-rendered HTML with inline CSS
and SVG, nothing external; the shell and shared pieces are in admin_html.py.

Payments held for review each get a small form (a required reason and three buttons)
that posts to /admin/review; it works without JavaScript.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from application.use_cases.stats import Stats
from domain.payment import Payment
from entrypoints.http.admin_charts import bar_chart, rate_chart
from entrypoints.http.admin_html import HELD_BECAUSE, document, fact, flash_note

WINDOWS = ("1h", "24h", "7d", "30d")


def _kpis(s: Stats) -> str:
    rate = "—" if s.success_rate is None else f"{100 * s.success_rate:.1f}%"
    items = [("success-rate", "Success rate", rate), ("payments", "Payments", str(s.payments)),
             ("finished", "Finished", str(s.finished)), ("gateway-calls", "Gateway calls",
                                                         str(s.gateway_calls))]
    return "".join(f'<span class="kpi" id="kpi-{k}">{escape(label)}<b>{escape(v)}</b></span>'
                   for k, label, v in items)


def _review_item(p: Payment, window: str) -> str:
    pid = escape(p.id)
    captured = "nothing yet" if p.captured.is_zero() else str(p.captured)
    differs = not p.captured.is_zero() and p.captured != p.amount
    reason = p.review_reason or ""
    why = HELD_BECAUSE.get(reason, "")
    facts = "".join([
        fact("Payment", p.id, "payment-id"),
        fact("Student", p.student_id),
        fact("Amount", str(p.amount)),
        fact("Captured by iKhokha", captured, "captured mismatch" if differs else "captured"),
        fact("Status", p.status.value, "status"),
        fact("Updated (UTC)", f"{p.updated_at:%Y-%m-%d %H:%M}"),
        fact("Held because", f"{reason} — {why}" if why else reason, "why"),
    ])
    return (
        f'<li class="review-item" data-payment-id="{pid}"><dl class="facts">{facts}</dl>'
        f'<p><a href="/admin/payment?id={escape(quote(p.id, safe=""))}">Open the payment '
        f'page (timeline, refunds)</a></p>'
        f'<form class="resolve" method="post" action="/admin/review">'
        f'<input type="hidden" name="payment_id" value="{pid}">'
        f'<input type="hidden" name="window" value="{escape(window)}">'
        f'<label for="reason-{pid}">Reason (required; kept in the audit trail)</label>'
        f'<textarea id="reason-{pid}" name="reason" rows="2" maxlength="500" required '
        f'placeholder="e.g. R1 bank fee confirmed with the student"></textarea>'
        f'<div class="actions">'
        f'<button type="submit" name="action" value="reverify">Re-verify with iKhokha</button>'
        f'<button type="submit" name="action" value="accept" class="primary">'
        f'Accept payment</button>'
        f'<button type="submit" name="action" value="reject" class="danger">Reject</button>'
        f'</div></form></li>')


_REVIEW_HINT = (
    '<p class="hint">Re-verify asks iKhokha again and applies its answer if it now agrees. '
    'Accept takes the money iKhokha captured as this course\'s payment and unlocks the '
    'course. Reject closes the payment unpaid (refund captured money first).</p>')


def _review_list(payments: list[Payment], window: str) -> str:
    if not payments:
        return '<p id="review-empty">Nothing needs review.</p>'
    items = "".join(_review_item(p, window) for p in payments)
    return f'<ul id="review">{items}</ul>{_REVIEW_HINT}'


def render_dashboard(window: str, s: Stats, review: list[Payment],
                     flash: tuple[str, str] | None = None, daily: str = "") -> str:
    """`daily`: the Daily reconciliation card (entrypoints/http/admin_reconciliation.py)."""
    by_status: dict[str, int] = {}
    for v in s.volumes:
        by_status[v.status] = by_status.get(v.status, 0) + v.count
    charts = [
        ("Success rate over time (UTC)", rate_chart(
            "chart-success-rate", "Success rate over time",
            [(b.start, b.captured, b.finished) for b in s.buckets])),
        ("Payments by status", bar_chart("chart-volumes", "Payments by status",
                                         sorted(by_status.items()))),
        ("Errors by category", bar_chart("chart-errors", "Errors by category",
                                         list(s.errors_by_category.items()))),
        ("Gateway latency (ms)", bar_chart("chart-latency", "Gateway latency percentiles", [
            (f"{p}", getattr(s.latency[0], f"{p}_ms")) for p in ("p50", "p95", "p99")]
            if s.latency and s.latency[0].calls else [], unit=" ms")),
    ]
    notes = {"Success rate over time (UTC)": '<p class="hint">Shaded: nothing finished in '
             'that period, so there is no rate (not 0 %).</p>'}
    cards = "".join(f'<section class="card"><h2>{escape(t)}</h2>{svg}{notes.get(t, "")}'
                    '</section>' for t, svg in charts)
    waiting = f" ({len(review)})" if review else ""
    return document("Payments operator", (
        f'<header class="top"><h1>Payments operator</h1><nav>'
        f'<a id="nav-payments" href="/admin/payments">Find a payment</a>'
        f'<a id="nav-risk" href="/admin/risk">Risk</a>'
        f'<a id="nav-analytics" href="/admin/analytics">Analytics</a></nav></header>'
        f'{flash_note(flash)}<section class="card" id="review-card">'
        f'<h2>Payments needing review{waiting}</h2>'
        f'{_review_list(review, window)}</section>{daily}'
        f'<h2 class="period">Payments — last {escape(window)}</h2>'
        f'<form class="card" method="get" action="/admin"><label>Window <select name="window">' +
        "".join(f'<option{" selected" if w == window else ""}>{w}</option>' for w in WINDOWS) +
        '</select></label> <button type="submit">Show</button></form>'
        f'<section class="card" id="kpis">{_kpis(s)}</section>'
        f'<div class="grid">{cards}</div>'
        '<form class="signout" method="post" action="/admin/logout">'
        '<button>Sign out</button></form>'))
