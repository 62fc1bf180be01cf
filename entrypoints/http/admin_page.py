"""The operator page: server-rendered HTML with inline CSS and SVG, nothing external."""

from __future__ import annotations

from html import escape

from application.use_cases.stats import Stats
from domain.payment import Payment
from entrypoints.http.admin_charts import bar_chart, rate_chart

_STYLE = """
body{font:14px system-ui,sans-serif;margin:24px;color:#1d2330;background:#f6f7f9}
h1{font-size:20px}h2{font-size:15px;margin:0 0 8px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(540px,1fr));gap:16px}
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:12px}
.kpi{display:inline-block;margin-right:28px}.kpi b{display:block;font-size:22px}
.bar{fill:#3a6ea5}.line{stroke:#2e8b57;stroke-width:2}.point{fill:#2e8b57}
.axis{stroke:#999}.label,.value,.empty{font-size:11px;fill:#444}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:4px 6px;
text-align:left}form.login{max-width:420px}input[type=password]{width:100%}
"""


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<title>{escape(title)}</title><style>{_STYLE}</style></head>'
            f'<body>{body}</body></html>')


def render_login(problem: str | None = None) -> str:
    note = f'<p class="problem" role="alert">{escape(problem)}</p>' if problem else ""
    return _page("Payments operator sign-in", (
        '<h1>Payments operator</h1>' + note +
        '<form class="login card" method="post" action="/admin/login">'
        '<label for="token">Admin token</label><p>'
        '<input id="token" name="token" type="password" autocomplete="off" required></p>'
        '<button id="sign-in" type="submit">Sign in</button></form>'))


def _kpis(s: Stats) -> str:
    rate = "—" if s.success_rate is None else f"{100 * s.success_rate:.1f}%"
    items = [("success-rate", "Success rate", rate), ("payments", "Payments", str(s.payments)),
             ("finished", "Finished", str(s.finished)), ("gateway-calls", "Gateway calls",
                                                         str(s.gateway_calls))]
    return "".join(f'<span class="kpi" id="kpi-{k}">{escape(label)}<b>{escape(v)}</b></span>'
                   for k, label, v in items)


def _review_table(payments: list[Payment]) -> str:
    if not payments:
        return '<p id="review-empty">Nothing needs review.</p>'
    rows = "".join(
        f'<tr data-payment-id="{escape(p.id)}"><td>{escape(p.id)}</td>'
        f'<td>{escape(p.student_id)}</td><td>{escape(p.status.value)}</td>'
        f'<td>{escape(str(p.amount))}</td><td>{escape(p.review_reason or "")}</td>'
        f'<td>{p.updated_at:%Y-%m-%d %H:%M}</td></tr>' for p in payments)
    return ('<table id="review"><thead><tr><th>payment</th><th>student</th><th>status</th>'
            '<th>amount</th><th>review reason</th><th>updated (UTC)</th></tr></thead>'
            f'<tbody>{rows}</tbody></table>')


def render_dashboard(window: str, s: Stats, review: list[Payment]) -> str:
    by_status: dict[str, int] = {}
    for v in s.volumes:
        by_status[v.status] = by_status.get(v.status, 0) + v.count
    fmt = "%H:%M" if (s.until - s.since).days < 2 else "%m-%d"
    charts = [
        ("Success rate over time", rate_chart(
            "chart-success-rate", "Success rate over time",
            [(f"{b.start:{fmt}}", b.captured, b.finished) for b in s.buckets])),
        ("Payments by status", bar_chart("chart-volumes", "Payments by status",
                                         sorted(by_status.items()))),
        ("Errors by category", bar_chart("chart-errors", "Errors by category",
                                         list(s.errors_by_category.items()))),
        ("Gateway latency (ms)", bar_chart("chart-latency", "Gateway latency percentiles", [
            (f"{p}", getattr(s.latency[0], f"{p}_ms")) for p in ("p50", "p95", "p99")]
            if s.latency and s.latency[0].calls else [], unit=" ms")),
    ]
    cards = "".join(f'<section class="card"><h2>{escape(t)}</h2>{svg}</section>'
                    for t, svg in charts)
    return _page("Payments operator", (
        f'<h1>Payments — last {escape(window)}</h1>'
        f'<form method="get" action="/admin"><label>Window <select name="window">' +
        "".join(f'<option{" selected" if w == window else ""}>{w}</option>'
                for w in ("1h", "24h", "7d", "30d")) +
        '</select></label> <button type="submit">Show</button></form>'
        f'<section class="card" id="kpis">{_kpis(s)}</section>'
        f'<div class="grid">{cards}</div>'
        f'<section class="card"><h2>Payments needing review</h2>{_review_table(review)}'
        '</section><form method="post" action="/admin/logout"><button>Sign out</button></form>'))
