"""The operator's Risk page: blocks and reviews raised by the risk rules, and lifting a
block. These are the routes; the HTML is admin_risk_page.py and admin_risk_flags.py.

- `GET /admin/risk`: blocks in force first, then reviews, then lifted and ended blocks,
  each with the rule's words for the operator and for the student and its audit entries;
  the rules as they stand (changed through `PUT /api/v1/admin/risk/rules`).
- `POST /admin/risk/lift`: admin cookie, same-origin only, a required reason; runs the
  same use-case as `POST /api/v1/admin/risk/lift` (audited), 303 back with a one-shot
  flash message; a refusal is a message, never a 500.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect

from application.actor import Actor
from application.ports import Clock
from application.use_cases.risk_admin import LiftRiskBlock, ListRiskRules, RiskQueue
from entrypoints.http.admin_flash import flash_cookie, flash_shown, read_flash
from entrypoints.http.admin_refusals import refusal_detail, sentence
from entrypoints.http.admin_risk_flags import when
from entrypoints.http.admin_risk_page import render_risk
from entrypoints.http.admin_session import (
    NO_STORE,
    PAGE_HEADERS,
    SIGN_IN,
    AdminPost,
    html,
)
from entrypoints.settings import Settings


@get("/admin/risk", include_in_schema=False,
     opt={SIGN_IN: "Sign in to see the risk blocks and reviews."})
async def admin_risk(request: Request[Any, Any, Any], risk_queue: NamedDependency[RiskQueue],
                     list_risk_rules: NamedDependency[ListRiskRules],
                     clock: NamedDependency[Clock],
                     admin: NamedDependency[Actor]) -> Response[str]:
    items = await risk_queue(admin)
    rules = await list_risk_rules(admin)
    now = clock.now()
    return html(render_risk(items, rules, now, read_flash(request)), headers=PAGE_HEADERS,
                cookies=flash_shown(request))


@post("/admin/risk/lift", include_in_schema=False, status_code=303)
async def admin_risk_lift(request: Request[Any, Any, Any],
                          admin_post: NamedDependency[AdminPost],
                          lift_risk_block: NamedDependency[LiftRiskBlock],
                          settings: NamedDependency[Settings]) -> Response[Any]:
    """Form fields: flag_id, reason."""
    actor = admin_post.actor
    flag_id = admin_post.field("flag_id")
    try:
        flag = await lift_risk_block(actor, flag_id, str(admin_post.form.get("reason", "")))
        tone, text = "ok", (f"Block lifted: {flag.subject_kind} {flag.subject} may pass "
                            f"{flag.rule_id} again until {when(flag.until)}.")
    except Exception as failure:
        detail = refusal_detail(failure)
        if detail is None:
            raise  # a fault, not a refusal: the usual 500/503 problem, logged
        tone, text = "error", f"Block not lifted: {sentence(detail)}"
    return Redirect("/admin/risk", status_code=303, headers=NO_STORE,
                    cookies=[flash_cookie(tone, text, request, settings)])


ADMIN_RISK_ROUTES = (admin_risk, admin_risk_lift)
