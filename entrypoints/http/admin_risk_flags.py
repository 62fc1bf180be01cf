"""One risk flag on the operator's Risk page: its badge (block, review, lifted, ended),
the facts (rule, subject, since and until, the words for the operator and the student),
a link to the payment, the form that lifts a block still in force, and the flag's audit
entries. The page around the flags is admin_risk_page.py.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from urllib.parse import quote

from application.ports import AuditEntry
from application.use_cases.risk_admin import FlagWithTrail
from domain.risk import RiskOutcome
from domain.risk_records import FlagStatus, RiskFlag
from entrypoints.http.admin_html import fact


def when(at: datetime | None) -> str:
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


def flag_item(item: FlagWithTrail, now: datetime) -> str:
    f = item.flag
    subject = f"{f.subject_kind} {f.subject}"
    facts = [
        fact("Rule", f.rule_id),
        fact("On", subject, "payment-id"),
        fact("Since", when(f.created_at)),
        fact("Until", when(f.until) if f.until else "lifted by an operator"),
        fact("Why (operator)", f.operator_message, "why"),
        fact("Told to the student", f.student_message, "why"),
    ]
    if f.payment_id:
        facts.insert(2, fact("Payment", f.payment_id, "payment-id"))
    if f.status is FlagStatus.LIFTED:
        facts.append(fact("Lifted", f"{when(f.lifted_at)} by {f.lifted_by}: {f.lift_reason}",
                           "why"))
    link = (f'<p><a href="/admin/payment?id={escape(quote(f.payment_id, safe=""))}">Open the '
            f'payment</a></p>' if f.payment_id else "")
    action = _lift_form(f) if f.in_force(now) else ""
    return (f'<li class="flag" data-flag-id="{escape(f.id)}" '
            f'data-outcome="{escape(f.outcome.value)}" data-status="{escape(f.status.value)}">'
            f'<p>{_badge(f, now)}</p>'
            f'<dl class="facts">{"".join(facts)}</dl>{link}{action}{_trail(item.trail)}</li>')
