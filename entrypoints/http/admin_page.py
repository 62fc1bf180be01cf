"""The operator page: server-rendered HTML with inline CSS and SVG, nothing external.

Payments held for review each get a small form (a required reason and three buttons)
that posts to /admin/review; it works without JavaScript.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from application.use_cases.stats import Stats
from domain.payment import Payment
from entrypoints.http.admin_charts import bar_chart, rate_chart

WINDOWS = ("1h", "24h", "7d", "30d")

_STYLE = """
*{box-sizing:border-box}
body{font:14px system-ui,sans-serif;margin:24px;color:#1d2330;background:#f6f7f9}
h1{font-size:20px}h2{font-size:15px;margin:0 0 8px}h2.period{font-size:17px;margin:24px 0 8px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(540px,100%),1fr));gap:16px}
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:12px;margin:0 0 16px}
.grid .card{margin:0}
.kpi{display:inline-block;margin:0 28px 4px 0}.kpi b{display:block;font-size:22px}
svg.chart{max-width:100%;height:auto}
.bar{fill:#3a6ea5}.line{stroke:#2e8b57;stroke-width:2}.point{fill:#2e8b57}
.gap{fill:#eef1f5}.day{stroke:#9aa5b4;stroke-dasharray:3 3}
.axis{stroke:#999}.label,.value,.empty{font-size:11px;fill:#444}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:4px 6px;
text-align:left}form.login{max-width:420px}input[type=password]{width:100%}
button{font:inherit;padding:6px 12px;border-radius:6px;border:1px solid #9aa5b4;
background:#fff;color:#1d2330;cursor:pointer}
button.primary{background:#1f6f43;border-color:#1f6f43;color:#fff}
button.danger{background:#fff;border-color:#b3261e;color:#b3261e}
.flash{padding:10px 12px;border-radius:8px;margin:0 0 16px;border:1px solid}
.flash.ok{background:#e8f5ec;border-color:#1f6f43;color:#14532d}
.flash.error{background:#fdecea;border-color:#b3261e;color:#7f1d1d}
#review{list-style:none;margin:0;padding:0}
.review-item{border-top:1px solid #eee;padding:12px 0}
.review-item:first-child{border-top:0;padding-top:4px}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:6px 16px;
margin:0 0 10px}
.facts div{min-width:0}.facts dt{font-size:12px;color:#5b6472}
.facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.facts .why{grid-column:1/-1}.facts .why dd{font-weight:400}
.facts .payment-id{grid-column:span 2}
.facts .payment-id dd{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.mismatch{color:#b3261e}
.resolve label{display:block;font-size:12px;color:#5b6472;margin-bottom:4px}
.resolve textarea{width:100%;font:inherit;padding:6px;border:1px solid #9aa5b4;border-radius:6px}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px}
.hint{font-size:12px;color:#5b6472;margin:8px 0 0}.signout{margin-top:16px}
header.top{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 20px;margin:0 0 12px}
header.top h1{margin:0}header.top nav{display:flex;flex-wrap:wrap;gap:4px 16px}
a{color:#1f4f8a}
@media (max-width:600px){body{margin:12px}.kpi{margin-right:16px}
.actions button{flex:1 1 100%}.label,.value,.empty{font-size:17px}}
"""

# Why a payment was held, in words an operator can act on (the code stays visible).
_HELD_BECAUSE = {
    "amount_mismatch": "iKhokha reported a different amount from the course price.",
    "currency_mismatch": "iKhokha reported a different currency.",
    "paylink_mismatch": "iKhokha's answer names another paylink than ours.",
    "transaction_id_mismatch": "iKhokha's answer names another transaction than ours.",
    "amount_unconfirmed": "iKhokha said paid but never confirmed the amount.",
    "paid_after_failed": "iKhokha took the money after the payment had failed.",
    "paid_after_cancelled": "iKhokha took the money after the payment was cancelled.",
    "paid_after_expired": "iKhokha took the money after the payment link expired.",
    "enrollment_active": "Paid, but the course was already unlocked by another payment: "
                         "refund this one.",
    "enrollment_revoked": "Paid, but access to the course had been removed.",
}


def _page(title: str, body: str, style: str = "") -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<title>{escape(title)}</title><style>{_STYLE}{style}</style></head>'
            f'<body>{body}</body></html>')


def render_login(problem: str | None = None) -> str:
    note = f'<p class="problem" role="alert">{escape(problem)}</p>' if problem else ""
    return _page("Payments operator sign-in", (
        '<h1>Payments operator</h1>' + note +
        '<form class="login card" method="post" action="/admin/login">'
        '<label for="token">Admin token</label><p>'
        '<input id="token" name="token" type="password" autocomplete="off" required></p>'
        '<button id="sign-in" type="submit">Sign in</button></form>'))


def render_refused(message: str) -> str:
    return _page("Request refused", (
        f'<h1>Request refused</h1><p class="flash error" role="alert">{escape(message)}</p>'
        '<p><a href="/admin">Back to the operator page</a></p>'))


def _kpis(s: Stats) -> str:
    rate = "—" if s.success_rate is None else f"{100 * s.success_rate:.1f}%"
    items = [("success-rate", "Success rate", rate), ("payments", "Payments", str(s.payments)),
             ("finished", "Finished", str(s.finished)), ("gateway-calls", "Gateway calls",
                                                         str(s.gateway_calls))]
    return "".join(f'<span class="kpi" id="kpi-{k}">{escape(label)}<b>{escape(v)}</b></span>'
                   for k, label, v in items)


def _fact(label: str, value: str, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f'<div{cls}><dt>{escape(label)}</dt><dd>{escape(value)}</dd></div>'


def _review_item(p: Payment, window: str) -> str:
    pid = escape(p.id)
    captured = "nothing yet" if p.captured.is_zero() else str(p.captured)
    differs = not p.captured.is_zero() and p.captured != p.amount
    reason = p.review_reason or ""
    why = _HELD_BECAUSE.get(reason, "")
    facts = "".join([
        _fact("Payment", p.id, "payment-id"),
        _fact("Student", p.student_id),
        _fact("Amount", str(p.amount)),
        _fact("Captured by iKhokha", captured, "captured mismatch" if differs else "captured"),
        _fact("Status", p.status.value, "status"),
        _fact("Updated (UTC)", f"{p.updated_at:%Y-%m-%d %H:%M}"),
        _fact("Held because", f"{reason} — {why}" if why else reason, "why"),
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


def _flash(flash: tuple[str, str] | None) -> str:
    if flash is None:
        return ""
    tone, text = flash
    tone = "ok" if tone == "ok" else "error"
    role = "status" if tone == "ok" else "alert"
    return f'<p id="flash" class="flash {tone}" role="{role}">{escape(text)}</p>'


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
    return _page("Payments operator", (
        f'<header class="top"><h1>Payments operator</h1><nav>'
        f'<a id="nav-payments" href="/admin/payments">Find a payment</a>'
        f'<a id="nav-risk" href="/admin/risk">Risk</a>'
        f'<a id="nav-analytics" href="/admin/analytics">Analytics</a></nav></header>'
        f'{_flash(flash)}<section class="card" id="review-card">'
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
