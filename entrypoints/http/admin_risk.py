"""The operator's Risk page: blocks and reviews raised by the risk rules, and lifting a
block.

- `GET /admin/risk`: blocks in force first, then reviews, then lifted and ended blocks,
  each with the rule's words for the operator and for the student and its audit entries;
  the rules as they stand (changed through `PUT /api/v1/admin/risk/rules`).
- `POST /admin/risk/lift`: admin cookie, same-origin only, a required reason; runs the
  same use-case as `POST /api/v1/admin/risk/lift` (audited), 303 back with a one-shot
  flash message; a refusal is a message, never a 500.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect

from application.ports import AuditEntry, Clock
from application.use_cases.risk_admin import FlagWithTrail, LiftRiskBlock, ListRiskRules, RiskQueue
from domain.risk import FlagStatus, RiskFlag, RiskOutcome, RiskRule
from entrypoints.http.admin_page import _fact, _flash, _page
from entrypoints.http.admin_session import (
    NO_STORE,
    PAGE_HEADERS,
    admin_form,
    admin_or_refusal,
    flash_cookie,
    flash_shown,
    html,
    read_flash,
    refusal_detail,
    sentence,
)

_STYLE = """
.flags{list-style:none;margin:0;padding:0}
.flag{border-top:1px solid #eee;padding:12px 0}.flag:first-child{border-top:0;padding-top:4px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;background:#eef1f5;
font-size:12px;white-space:nowrap}
.badge.block{background:#fdecea;color:#7f1d1d}.badge.review{background:#fff4d6;color:#7a4b00}
.badge.lifted{background:#e8f5ec;color:#14532d}
.trail{margin:6px 0 0;padding-left:18px;font-size:13px}.trail li{margin:2px 0}
.trail .when{color:#5b6472}
.rules td,.rules th{vertical-align:top;font-size:13px}.rules th{color:#5b6472;font-size:12px}
.lift label{display:block;font-size:12px;color:#5b6472;margin-bottom:4px}
.lift textarea{width:100%;font:inherit;padding:6px;border:1px solid #9aa5b4;border-radius:6px}
@media (max-width:700px){
.rules thead{display:none}.rules,.rules tbody,.rules tr{display:block}
.rules tr{border-bottom:1px solid #dde1e7;padding:8px 0}
.rules td{display:flex;justify-content:space-between;gap:12px;border:0;padding:2px 0;
text-align:right}
.rules td::before{content:attr(data-label);color:#5b6472;font-size:12px;text-align:left;
flex:none}}
"""


def _when(at: datetime | None) -> str:
    return "—" if at is None else f"{at:%Y-%m-%d %H:%M} UTC"


def _trail(entries: list[AuditEntry]) -> str:
    if not entries:
        return ""
    items = "".join(
        f'<li><span class="when">{e.at:%Y-%m-%d %H:%M:%S} · {escape(e.actor)}</span> '
        f'{escape(e.action.replace("_", " "))}'
        f'{": " + escape(e.reason) if e.reason else ""}</li>' for e in entries)
    return f'<ol class="trail" aria-label="Audit trail">{items}</ol>'


def _badge(f: RiskFlag, now: datetime) -> str:
    if f.status is FlagStatus.LIFTED:
        return '<span class="badge lifted">block lifted</span>'
    if f.outcome is RiskOutcome.BLOCK and not f.in_force(now):
        return '<span class="badge">block ended</span>'
    return f'<span class="badge {escape(f.outcome.value)}">{escape(f.outcome.value)}</span>'


def _lift_form(f: RiskFlag) -> str:
    fid = escape(f.id)
    return (
        '<form class="lift" method="post" action="/admin/risk/lift">'
        f'<input type="hidden" name="flag_id" value="{fid}">'
        f'<label for="lift-{fid}">Reason (required; kept in the audit trail)</label>'
        f'<textarea id="lift-{fid}" name="reason" rows="2" maxlength="500" required></textarea>'
        '<div class="actions"><button type="submit" class="primary">Lift block</button>'
        '</div></form>')


def _flag_item(item: FlagWithTrail, now: datetime) -> str:
    f = item.flag
    subject = f"{f.subject_kind} {f.subject}"
    facts = [
        _fact("Rule", f.rule_id),
        _fact("On", subject, "payment-id"),
        _fact("Since", _when(f.created_at)),
        _fact("Until", _when(f.until) if f.until else "lifted by an operator"),
        _fact("Why (operator)", f.operator_message, "why"),
        _fact("Told to the student", f.student_message, "why"),
    ]
    if f.payment_id:
        facts.insert(2, _fact("Payment", f.payment_id, "payment-id"))
    if f.status is FlagStatus.LIFTED:
        facts.append(_fact("Lifted", f"{_when(f.lifted_at)} by {f.lifted_by}: {f.lift_reason}",
                           "why"))
    link = (f'<p><a href="/admin/payment?id={escape(quote(f.payment_id, safe=""))}">Open the '
            f'payment</a></p>' if f.payment_id else "")
    action = _lift_form(f) if f.in_force(now) else ""
    return (f'<li class="flag" data-flag-id="{escape(f.id)}" '
            f'data-outcome="{escape(f.outcome.value)}" data-status="{escape(f.status.value)}">'
            f'<p>{_badge(f, now)}</p>'
            f'<dl class="facts">{"".join(facts)}</dl>{link}{action}{_trail(item.trail)}</li>')


def _section(title: str, anchor: str, items: list[FlagWithTrail], now: datetime,
             empty: str) -> str:
    inner = (f'<ul class="flags" id="{anchor}">'
             f'{"".join(_flag_item(i, now) for i in items)}</ul>' if items
             else f'<p id="{anchor}-none">{escape(empty)}</p>')
    count = f" ({len(items)})" if items else ""
    return (f'<section class="card" id="{anchor}-card"><h2>{escape(title)}{count}</h2>'
            f'{inner}</section>')


def _rules(rules: list[RiskRule]) -> str:
    head = "".join(f"<th>{h}</th>" for h in ("Rule", "Limit", "Window", "Outcome", "On"))
    rows = "".join(
        f'<tr data-rule-id="{escape(r.id)}"><td data-label="Rule" class="mono">{escape(r.id)}</td>'
        f'<td data-label="Limit">{r.limit}{" %" if r.id == "refund_after_progress" else ""}</td>'
        f'<td data-label="Window">{_duration(r.window_s)}</td>'
        f'<td data-label="Outcome">{escape(r.outcome.value)}</td>'
        f'<td data-label="On">{"yes" if r.enabled else "no"}</td></tr>' for r in rules)
    return (f'<section class="card" id="rules-card"><h2>Rules</h2><table class="rules">'
            f'<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
            '<p class="hint">Change a rule with <code>PUT /api/v1/admin/risk/rules</code> '
            '(docs/risk.md); every change is audited.</p></section>')


def _duration(seconds: int) -> str:
    if seconds % 86400 == 0:
        return f"{seconds // 86400} d"
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    return f"{seconds // 60} min"


def render_risk(items: list[FlagWithTrail], rules: list[RiskRule], now: datetime,
                flash: tuple[str, str] | None = None) -> str:
    blocks = [i for i in items if i.flag.in_force(now)]
    reviews = [i for i in items if i.flag.outcome is RiskOutcome.REVIEW]
    done = [i for i in items if i.flag.outcome is RiskOutcome.BLOCK and not i.flag.in_force(now)]
    body = (
        '<header class="top"><h1>Risk</h1><nav>'
        '<a id="nav-admin" href="/admin">Operator page</a>'
        '<a id="nav-payments" href="/admin/payments">Find a payment</a></nav></header>'
        + _flash(flash)
        + _section("Blocks in force", "blocks", blocks, now, "No block is in force.")
        + _section("Reviews", "reviews", reviews, now, "Nothing to review.")
        + _section("Lifted and ended blocks", "ended", done, now, "None yet.")
        + _rules(rules))
    return _page("Risk — operator", body, _STYLE)


@get("/admin/risk", include_in_schema=False)
async def admin_risk(request: Request[Any, Any, Any], risk_queue: NamedDependency[RiskQueue],
                     list_risk_rules: NamedDependency[ListRiskRules],
                     clock: NamedDependency[Clock]) -> Response[str]:
    actor = admin_or_refusal(request, "Sign in to see the risk blocks and reviews.")
    if isinstance(actor, Response):
        return actor
    items = await risk_queue(actor)
    rules = await list_risk_rules(actor)
    now = clock.now()
    return html(render_risk(items, rules, now, read_flash(request)), headers=PAGE_HEADERS,
                cookies=flash_shown(request))


@post("/admin/risk/lift", include_in_schema=False, status_code=303)
async def admin_risk_lift(request: Request[Any, Any, Any],
                          lift_risk_block: NamedDependency[LiftRiskBlock]) -> Response[Any]:
    """Form fields: flag_id, reason."""
    posted = await admin_form(request)
    if isinstance(posted, Response):
        return posted
    actor, form = posted
    flag_id = str(form.get("flag_id", "")).strip()[:128]
    try:
        flag = await lift_risk_block(actor, flag_id, str(form.get("reason", "")))
        tone, text = "ok", (f"Block lifted: {flag.subject_kind} {flag.subject} may pass "
                            f"{flag.rule_id} again until {_when(flag.until)}.")
    except Exception as failure:
        detail = refusal_detail(failure)
        if detail is None:
            raise  # a fault, not a refusal: the usual 500/503 problem, logged
        tone, text = "error", f"Block not lifted: {sentence(detail)}"
    return Redirect("/admin/risk", status_code=303, headers=NO_STORE,
                    cookies=[flash_cookie(tone, text, request)])


ADMIN_RISK_ROUTES = (admin_risk, admin_risk_lift)
