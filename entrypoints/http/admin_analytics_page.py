"""The operator's analytics page (/admin/analytics) as HTML: the range form, the course
that loses the most buyers at payment, the KPIs, the charts (admin_analytics_charts.py)
and a table per figure with its CSV link (admin_analytics_tables.py); and the same page
with the refusal when the range cannot be read. Server-rendered, no script, nothing
external; on narrow screens tables stack into cards.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape
from urllib.parse import urlencode

from entrypoints.http.admin_analytics_charts import analytics_charts
from entrypoints.http.admin_analytics_tables import HEADINGS, duration, table
from entrypoints.http.admin_html import document
from entrypoints.http.analytics_schemas import AnalyticsOut, tables

STYLE = """
.range{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px 16px;
align-items:end}
.range label{display:block;font-size:12px;color:#5b6472;margin-bottom:4px}
.range input{width:100%;font:inherit;padding:6px;border:1px solid #9aa5b4;border-radius:6px}
.headline{font-size:16px}.headline b{color:#b3261e}
.num{text-align:right;white-space:nowrap}table.data th{font-size:12px;color:#5b6472}
.csv{font-size:12px;margin:6px 0 0}
.error{padding:10px 12px;border-radius:8px;border:1px solid #b3261e;background:#fdecea;
color:#7f1d1d}
@media (max-width:700px){
table.data thead{display:none}table.data,table.data tbody,table.data tr{display:block}
table.data tr{border-bottom:1px solid #dde1e7;padding:6px 0}
table.data td{display:flex;justify-content:space-between;gap:12px;border:0;padding:2px 0;
text-align:right}
table.data td::before{content:attr(data-label);color:#5b6472;font-size:12px;text-align:left}}
"""


def _headline(out: AnalyticsOut) -> str:
    worst = next((c for c in out.courses if c.course_id == out.losing_most_at_payment), None)
    if worst is None:
        return ('<p class="headline" id="losing-most">No course lost a buyer at payment in '
                'this range.</p>')
    w = worst.funnel
    return (f'<p class="headline" id="losing-most" data-course="{escape(worst.course_id)}">'
            f'Loses the most buyers at payment: <b>{escape(worst.course_id)}</b> — '
            f'{w.paid} of {w.checkouts_started} checkouts paid ({w.conversion_percent}%), '
            f'{w.lost_at_payment} lost ({w.declined} declined, {w.cancelled} cancelled, '
            f'{w.expired} expired).</p>')


def _kpis(out: AnalyticsOut) -> str:
    f, t = out.funnel, out.time_to_pay
    conversion = "—" if f.conversion_percent is None else f"{f.conversion_percent}%"
    items = [("checkouts", "Checkouts started", str(f.checkouts_started)),
             ("paid", "Paid", str(f.paid)), ("conversion", "Conversion", conversion),
             ("p50", "Time to pay p50", "—" if t.p50_seconds is None
              else duration(t.p50_seconds)),
             ("p90", "Time to pay p90", "—" if t.p90_seconds is None
              else duration(t.p90_seconds))]
    return "".join(f'<span class="kpi" id="kpi-{k}">{escape(label)}<b>{escape(v)}</b></span>'
                   for k, label, v in items)


def _form(start: str, end: str, course: str) -> str:
    def field(name: str, label: str, value: str, kind: str) -> str:
        return (f'<div><label for="a-{name}">{label}</label><input id="a-{name}" name="{name}" '
                f'type="{kind}" value="{escape(value)}" maxlength="64"></div>')

    return ('<form class="card range" id="range" method="get" action="/admin/analytics">'
            + field("from", "From (UTC day)", start, "date")
            + field("to", "To (UTC day, included)", end, "date")
            + field("course_id", "Course (empty: every course)", course, "text")
            + '<div><button type="submit">Show</button></div></form>')


def render_analytics(out: AnalyticsOut, start: str, end: str, course: str) -> str:
    params = {k: v for k, v in (("from", start), ("to", end), ("course_id", course)) if v}
    sections = "".join(
        f'<section class="card" id="section-{name}"><h2>{escape(HEADINGS[name])}</h2>'
        + table(name, header, rows,
                "/admin/analytics.csv?" + urlencode({"table": name, **params}))
        + "</section>"
        for name, (header, rows) in tables(out).items())
    scope = f"course {course}" if course else "every course"
    return document("Payment analytics", (
        '<header class="top"><h1>Payment analytics</h1><nav>'
        '<a id="nav-admin" href="/admin">Operator page</a>'
        '<a id="nav-payments" href="/admin/payments">Find a payment</a></nav></header>'
        + _form(start, end, course)
        + f'<h2 class="period">Checkouts started {escape(out.start.date().isoformat())} to '
          f'{escape((out.end - timedelta(microseconds=1)).date().isoformat())} (UTC), '
          f'{escape(scope)}</h2>'
        + f'<section class="card" id="summary">{_headline(out)}{_kpis(out)}</section>'
        + f'<div class="grid">{analytics_charts(out)}</div>' + sections), STYLE)


def render_refused_range(start: str, end: str, course: str, text: str) -> str:
    """The page with the range form as sent and why it was refused."""
    return document("Payment analytics", (
        '<header class="top"><h1>Payment analytics</h1><nav>'
        '<a id="nav-admin" href="/admin">Operator page</a></nav></header>'
        + _form(start, end, course) + f'<p class="error" id="refused" role="alert">'
        f'{escape(text)}</p>'), STYLE)
