"""The operator's Risk page (/admin/risk) as HTML: blocks in force first, then reviews,
then lifted and ended blocks (each flag from admin_risk_flags.py), and the risk rules
as they stand. Server-rendered, plain forms, every value escaped, nothing external.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from application.use_cases.risk_admin import FlagWithTrail
from domain.risk import RiskOutcome, RiskRule
from entrypoints.http.admin_html import document, flash_note
from entrypoints.http.admin_risk_flags import flag_item

STYLE = """
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


def _section(title: str, anchor: str, items: list[FlagWithTrail], now: datetime,
             empty: str) -> str:
    inner = (f'<ul class="flags" id="{anchor}">'
             f'{"".join(flag_item(i, now) for i in items)}</ul>' if items
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
        + flash_note(flash)
        + _section("Blocks in force", "blocks", blocks, now, "No block is in force.")
        + _section("Reviews", "reviews", reviews, now, "Nothing to review.")
        + _section("Lifted and ended blocks", "ended", done, now, "None yet.")
        + _rules(rules))
    return document("Risk — operator", body, STYLE)
