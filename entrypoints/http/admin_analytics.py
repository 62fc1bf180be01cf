"""The operator's analytics page (/admin/analytics) and its CSV files: the routes.

- `GET /admin/analytics?from=YYYY-MM-DD&to=YYYY-MM-DD&course_id=...`: the same figures as
  `GET /api/v1/analytics` (the same use-case and wire types), as inline SVG charts and
  tables; without dates, the last 30 UTC days up to today. The course that loses the
  most buyers at payment is named at the top.
- `GET /admin/analytics.csv?table=<name>&from=...&to=...&course_id=...`: one table of the
  page as CSV (every table has its link), integers for money, with the admin cookie.

The HTML is in admin_analytics_page.py (with its charts and tables beside it):
server-rendered, no script, nothing external; every mark of a chart carries its number
in `data-*` attributes (tests read them).
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency

from application.actor import Actor
from application.errors import InvalidInput
from application.ports import Clock
from application.use_cases.analytics import AnalyticsQuery, GetAnalytics
from entrypoints.http.admin_analytics_page import render_analytics, render_refused_range
from entrypoints.http.admin_analytics_tables import HEADINGS
from entrypoints.http.admin_session import NO_STORE, PAGE_HEADERS, SIGN_IN, html
from entrypoints.http.analytics_schemas import AnalyticsOut, parse_range, tables
from entrypoints.http.csv_export import CsvStream, _line

DEFAULT_DAYS = 30


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


def _refused(request: Request[Any, Any, Any], failure: InvalidInput,
             clock: Clock) -> Response[str]:
    start, end, course = _params(request, clock)
    text = f"That range was refused: {failure.detail}."
    return html(render_refused_range(start, end, course, text), 400, headers=PAGE_HEADERS)


@get("/admin/analytics", include_in_schema=False,
     opt={SIGN_IN: "Sign in to see the analytics."})
async def admin_analytics(request: Request[Any, Any, Any],
                          get_analytics: NamedDependency[GetAnalytics],
                          clock: NamedDependency[Clock],
                          admin: NamedDependency[Actor]) -> Response[str]:
    try:
        out, (start, end, course) = await _analytics(request, get_analytics, admin, clock)
    except InvalidInput as failure:
        return _refused(request, failure, clock)
    return html(render_analytics(out, start, end, course), headers=PAGE_HEADERS)


@get("/admin/analytics.csv", include_in_schema=False,
     opt={SIGN_IN: "Sign in to download the analytics."})
async def admin_analytics_csv(request: Request[Any, Any, Any],
                              get_analytics: NamedDependency[GetAnalytics],
                              clock: NamedDependency[Clock],
                              admin: NamedDependency[Actor]) -> Response[Any]:
    name = str(request.query_params.get("table") or "")
    try:
        if name not in HEADINGS:
            raise InvalidInput("table must be one of " + ", ".join(HEADINGS))
        out, _ = await _analytics(request, get_analytics, admin, clock)
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
