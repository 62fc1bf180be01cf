"""The operator's analytics page (/admin/analytics) and its CSV files.

- `GET /admin/analytics?from=YYYY-MM-DD&to=YYYY-MM-DD&course_id=...`: the same figures as
  `GET /api/v1/analytics` (the same use-case and wire types), as inline SVG charts and
  tables; without dates, the last 30 UTC days up to today. The course that loses the
  most buyers at payment is named at the top.
- `GET /admin/analytics.csv?table=<name>&from=...&to=...&course_id=...`: one table of the
  page as CSV (every table has its link), integers for money, with the admin cookie.

Server-rendered, no script, nothing external; every mark of a chart carries its number
in `data-*` attributes (tests read them). On narrow screens tables stack into cards, so
the page never scrolls sideways.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from html import escape
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.di import NamedDependency

from application.errors import InvalidInput
from application.ports import Clock
from application.use_cases.analytics import AnalyticsQuery, GetAnalytics
from domain.money import CURRENCY_EXPONENTS, Money
from entrypoints.http.admin_charts import HEIGHT, PAD, WIDTH, bar_chart
from entrypoints.http.admin_page import _page
from entrypoints.http.admin_session import NO_STORE, PAGE_HEADERS, admin_or_refusal, html
from entrypoints.http.analytics_schemas import AnalyticsOut, DayOut, parse_range, tables
from entrypoints.http.csv_export import CsvStream, _line

DEFAULT_DAYS = 30
TOP_COURSES = 12  # bars in the per-course chart; the table lists every course

_STYLE = """
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

_HEADINGS = {
    "funnel": "Funnel", "courses": "Per course (lowest conversion first)",
    "declines": "Decline reasons", "cancels": "Cancel reasons", "time_to_pay": "Time to pay",
    "refunds": "Refunds", "revenue": "Revenue by day (UTC)",
}
_MONEY = {"amount_minor", "refunded_minor", "net_minor"}


def _money(minor: object, currency: str) -> str:
    return str(Money(int(str(minor)), currency)) if currency in CURRENCY_EXPONENTS else str(minor)


def _cell(name: str, value: object, row: dict[str, object]) -> str:
    if value is None:
        text = "—"
    elif name in _MONEY:
        text = _money(value, str(row.get("currency", "")))
    elif name.endswith("_percent"):
        text = f"{value}%"
    elif name.endswith("_seconds"):
        text = _duration(int(str(value)))
    else:
        text = str(value)
    label = name.replace("_", " ")
    return (f'<td data-label="{escape(label)}" data-col="{escape(name)}" '
            f'data-value="{escape("" if value is None else str(value))}"'
            f'{" class=num" if not isinstance(value, str) else ""}>{escape(text)}</td>')


def _duration(seconds: int) -> str:
    minutes, s = divmod(seconds, 60)
    hours, m = divmod(minutes, 60)
    return f"{hours} h {m} min" if hours else (f"{m} min {s} s" if m else f"{s} s")


def _table(name: str, header: tuple[str, ...], rows: list[list[object]], csv_url: str) -> str:
    head = "".join(f"<th>{escape(h.replace('_', ' '))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(_cell(h, v, dict(zip(header, row, strict=True)))
                         for h, v in zip(header, row, strict=True)) + "</tr>"
        for row in rows) or f'<tr><td colspan="{len(header)}">nothing in this range</td></tr>'
    return (f'<table class="data" id="table-{escape(name)}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{body}</tbody></table><p class="csv"><a id="csv-{escape(name)}" '
            f'href="{escape(csv_url)}">Download CSV</a></p>')


def revenue_chart(days: list[DayOut]) -> str:
    """Captured money per day (one currency: the first paid in), a bar per day; dates at
    both ends of the axis. Each bar carries its day and amount in minor units."""
    title = "Revenue by day"
    currency = days[0].currency if days else ""
    days = [d for d in days if d.currency == currency]
    body = [f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
            'class="axis"/>']
    if not days or not any(d.amount_minor for d in days):
        body.append(f'<text x="{PAD}" y="{HEIGHT // 2}" class="empty">nothing paid in this '
                    'range</text>')
    else:
        top = max(d.amount_minor for d in days)
        slot = (WIDTH - 2 * PAD) / len(days)
        for i, d in enumerate(days):
            height = round((HEIGHT - 2 * PAD - 14) * d.amount_minor / top)
            money = _money(d.amount_minor, currency)
            body.append(
                f'<rect class="bar" x="{PAD + i * slot + slot * 0.1:.1f}" '
                f'y="{HEIGHT - PAD - height}" width="{slot * 0.8:.1f}" height="{height}" '
                f'data-label="{d.day.isoformat()}" data-value="{d.amount_minor}">'
                f'<title>{d.day.isoformat()}: {escape(money)} ({d.paid} paid)</title></rect>')
        body.append(f'<text x="{PAD + 4}" y="{PAD - 8}" class="label">max '
                    f'{escape(_money(top, currency))}</text>')
        body.append(f'<text x="{PAD}" y="{HEIGHT - PAD + 14}" class="label">'
                    f'{days[0].day.isoformat()}</text><text x="{WIDTH - PAD}" '
                    f'y="{HEIGHT - PAD + 14}" text-anchor="end" class="label">'
                    f'{days[-1].day.isoformat()}</text>')
    return (f'<svg id="chart-revenue" class="chart" role="img" aria-label="{title}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{title}</title>{"".join(body)}</svg>')


def _charts(out: AnalyticsOut) -> str:
    f = out.funnel
    lossy = sorted(out.courses, key=lambda c: (-c.funnel.lost_at_payment, c.course_id))
    charts = [
        ("Funnel", bar_chart("chart-funnel", "Funnel", [
            ("enrolled", f.enrollments), ("checkout", f.checkouts_started), ("paid", f.paid),
            ("declined", f.declined), ("cancelled", f.cancelled), ("expired", f.expired)])),
        ("Checkouts lost at payment, by course", bar_chart(
            "chart-course-losses", "Checkouts lost at payment by course",
            [(c.course_id, c.funnel.lost_at_payment) for c in lossy[:TOP_COURSES]
             if c.funnel.checkouts_started])),
        ("Decline reasons", bar_chart("chart-declines", "Decline reasons",
                                      [(r.reason, r.count) for r in out.declines])),
        ("Cancel reasons", bar_chart("chart-cancels", "Cancel reasons",
                                     [(r.reason, r.count) for r in out.cancels])),
        ("Revenue by day (UTC)", revenue_chart(out.revenue_by_day)),
    ]
    return "".join(f'<section class="card"><h2>{escape(t)}</h2>{svg}</section>'
                   for t, svg in charts)


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
              else _duration(t.p50_seconds)),
             ("p90", "Time to pay p90", "—" if t.p90_seconds is None
              else _duration(t.p90_seconds))]
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


def _params(request: Request[Any, Any, Any], clock: Clock) -> tuple[str, str, str]:
    q = request.query_params
    today = clock.now().astimezone(UTC).date()
    start = str(q.get("from") or (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat())
    end = str(q.get("to") or today.isoformat())
    return start.strip()[:40], end.strip()[:40], str(q.get("course_id") or "").strip()[:64]


async def _analytics(request: Request[Any, Any, Any], get_analytics: GetAnalytics,
                     actor: Any, clock: Clock) -> tuple[AnalyticsOut, tuple[str, str, str]]:
    start, end, course = _params(request, clock)
    since, until = parse_range(start, end)
    found = await get_analytics(AnalyticsQuery(actor, since, until, course or None))
    return AnalyticsOut.of(found), (start, end, course)


def render_analytics(out: AnalyticsOut, start: str, end: str, course: str) -> str:
    params = {k: v for k, v in (("from", start), ("to", end), ("course_id", course)) if v}
    sections = "".join(
        f'<section class="card" id="section-{name}"><h2>{escape(_HEADINGS[name])}</h2>'
        + _table(name, header, rows,
                 "/admin/analytics.csv?" + urlencode({"table": name, **params}))
        + "</section>"
        for name, (header, rows) in tables(out).items())
    scope = f"course {course}" if course else "every course"
    return _page("Payment analytics", (
        '<header class="top"><h1>Payment analytics</h1><nav>'
        '<a id="nav-admin" href="/admin">Operator page</a>'
        '<a id="nav-payments" href="/admin/payments">Find a payment</a></nav></header>'
        + _form(start, end, course)
        + f'<h2 class="period">Checkouts started {escape(out.start.date().isoformat())} to '
          f'{escape((out.end - timedelta(microseconds=1)).date().isoformat())} (UTC), '
          f'{escape(scope)}</h2>'
        + f'<section class="card" id="summary">{_headline(out)}{_kpis(out)}</section>'
        + f'<div class="grid">{_charts(out)}</div>' + sections), _STYLE)


def _refused(request: Request[Any, Any, Any], failure: InvalidInput,
             clock: Clock) -> Response[str]:
    start, end, course = _params(request, clock)
    text = f"That range was refused: {failure.detail}."
    body = _page("Payment analytics", (
        '<header class="top"><h1>Payment analytics</h1><nav>'
        '<a id="nav-admin" href="/admin">Operator page</a></nav></header>'
        + _form(start, end, course) + f'<p class="error" id="refused" role="alert">'
        f'{escape(text)}</p>'), _STYLE)
    return html(body, 400, headers=PAGE_HEADERS)


@get("/admin/analytics", include_in_schema=False)
async def admin_analytics(request: Request[Any, Any, Any],
                          get_analytics: NamedDependency[GetAnalytics],
                          clock: NamedDependency[Clock]) -> Response[str]:
    actor = admin_or_refusal(request, "Sign in to see the analytics.")
    if isinstance(actor, Response):
        return actor
    try:
        out, (start, end, course) = await _analytics(request, get_analytics, actor, clock)
    except InvalidInput as failure:
        return _refused(request, failure, clock)
    return html(render_analytics(out, start, end, course), headers=PAGE_HEADERS)


@get("/admin/analytics.csv", include_in_schema=False)
async def admin_analytics_csv(request: Request[Any, Any, Any],
                              get_analytics: NamedDependency[GetAnalytics],
                              clock: NamedDependency[Clock]) -> Response[Any]:
    actor = admin_or_refusal(request, "Sign in to download the analytics.")
    if isinstance(actor, Response):
        return actor
    name = str(request.query_params.get("table") or "")
    try:
        if name not in _HEADINGS:
            raise InvalidInput("table must be one of " + ", ".join(_HEADINGS))
        out, _ = await _analytics(request, get_analytics, actor, clock)
    except InvalidInput as failure:
        return _refused(request, failure, clock)
    header, rows = tables(out)[name]

    async def lines() -> Any:
        yield _line(header)
        for row in rows:
            yield _line(tuple(row))

    disposition = f'attachment; filename="analytics-{name}.csv"'
    return CsvStream(lines(), headers={**NO_STORE, "Content-Disposition": disposition})


ADMIN_ANALYTICS_ROUTES = (admin_analytics, admin_analytics_csv)
