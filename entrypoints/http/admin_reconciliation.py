"""The daily reconciliation on the operator console: a small card on /admin with the
latest day done, and `GET /admin/reconciliation?id=...`, one stored report as a page
(the admin cookie is scoped to /admin, so a browser cannot open the JSON API's
`/api/v1/reconciliations/{id}` from the console)."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get
from litestar.di import NamedDependency

from application.actor import Actor
from application.errors import NotFound
from application.reconciliation.report import CATEGORIES, ReconciliationReport
from application.use_cases.daily_reconciliation import DailyStatus
from application.use_cases.reconciliation_queries import ReadReconciliations
from entrypoints.http.admin_html import document as _page
from entrypoints.http.admin_session import PAGE_HEADERS, SIGN_IN, html


def _report_url(report_id: str) -> str:
    return f'/admin/reconciliation?id={escape(quote(report_id, safe=""))}'


def render_daily_section(status: DailyStatus | None) -> str:
    """The /admin card: the latest day done, its mismatches, a link to the report."""
    if status is None:
        body = '<p id="daily-none">Not run yet: workers run it after midnight.</p>'
    else:
        found = sum(status.mismatches.values())
        tone = ' class="mismatch"' if status.held_for_review else ""
        behind = (f' <span class="mismatch">({status.days_behind} day(s) behind)</span>'
                  if status.days_behind else "")
        link = (f' <a id="daily-report" href="{_report_url(status.report.id)}">'
                f'Open the report</a>' if status.report else "")
        body = (f'<p id="daily-latest">{escape(status.day.isoformat())}{behind}: '
                f'{found} mismatch(es), {status.repaired} repaired, '
                f'<span{tone}>'
                f'{status.held_for_review} held for review</span>.{link}</p>')
    return f'<section class="card" id="daily-reconciliation"><h2>Daily reconciliation</h2>' \
           f'{body}</section>'


def _ids(ids: list[str]) -> str:
    if not ids:
        return "none"
    return ", ".join(f'<a href="/admin/payment?id={escape(quote(i, safe=""))}">{escape(i)}'
                     '</a>' if i.startswith("pay_") else escape(i) for i in ids)


def render_report(r: ReconciliationReport) -> str:
    rows = "".join(f'<tr data-category="{c}"><td>{c}</td><td>{r.counts.get(c, 0)}</td>'
                   f'<td>{_ids(r.examples.get(c, []) if c != "matched" else [])}</td></tr>'
                   for c in CATEGORIES)
    return _page(f"Reconciliation {r.id}", (
        f'<header class="top"><h1>Reconciliation {escape(r.period_from.isoformat())}'
        f'</h1><nav><a href="/admin">← Operator page</a></nav></header>'
        f'<section class="card" id="report" data-report-id="{escape(r.id)}">'
        f'<p>{escape(r.id)}, by {escape(r.actor)} at {r.created_at:%Y-%m-%d %H:%M} UTC; '
        f'period {r.period_from} to {r.period_to}; '
        f'{"repairs applied" if r.applied else "report only"}.</p>'
        f'<table><tr><th>category</th><th>count</th><th>examples</th></tr>{rows}</table>'
        f'<p id="repaired">Repaired ({r.repaired_count}): {_ids(r.repaired)}</p>'
        f'<p id="flagged">Held for review ({r.flagged_count}): {_ids(r.flagged)}</p>'
        '<p class="hint">Repaired: iKhokha confirmed a status we had missed, applied as '
        'its callback would have been. Held: flagged in the review queue. The other '
        'mismatches (missing at iKhokha, unknown to us) need an operator.</p></section>'))


@get("/admin/reconciliation", include_in_schema=False,
     opt={SIGN_IN: "Sign in to see this reconciliation."})
async def admin_reconciliation(request: Request[Any, Any, Any],
                               list_reconciliations: NamedDependency[ReadReconciliations],
                               admin: NamedDependency[Actor]) -> Response[str]:
    report_id = str(request.query_params.get("id") or "").strip()[:128]
    try:
        report = await list_reconciliations.one(admin, report_id)
    except NotFound:
        return html(_page("Reconciliation not found", (
            f'<p class="card" id="missing">No reconciliation has the id '
            f'{escape(report_id)}. <a href="/admin">Back</a></p>')), 404,
            headers=PAGE_HEADERS)
    return html(render_report(report), headers=PAGE_HEADERS)
