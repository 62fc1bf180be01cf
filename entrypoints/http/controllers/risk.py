"""Risk rules over HTTP: admins read and change the rules, list blocks and reviews and
lift a block; the platform reports course progress (docs/risk.md, docs/api.md).

No route takes an id in its path: the ids travel in the body (admin-only and service
routes, so there is no owner to check; see tests/e2e/test_route_ownership.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from application.actor import Actor
from application.use_cases.risk_admin import (
    FlagWithTrail,
    LiftRiskBlock,
    ListRiskRules,
    ReportProgress,
    RiskQueue,
    RuleChange,
    UpdateRiskRule,
)
from domain.risk import MAX_MESSAGE, RiskFlag, RiskOutcome, RiskRule
from entrypoints.http.admin_risk import ADMIN_RISK_ROUTES
from entrypoints.http.schemas import AuditEntryOut, Id
from entrypoints.http.strict_body import strict_body

Message = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_MESSAGE)]


class RiskRuleOut(msgspec.Struct):
    id: str
    limit: int
    window_s: int
    outcome: str
    enabled: bool
    student_message: str
    operator_message: str
    updated_at: datetime | None
    updated_by: str | None

    @classmethod
    def of(cls, r: RiskRule) -> RiskRuleOut:
        return cls(r.id, r.limit, r.window_s, r.outcome.value, r.enabled, r.student_message,
                   r.operator_message, r.updated_at, r.updated_by)


class RiskRuleList(msgspec.Struct):
    items: list[RiskRuleOut]


class RiskRuleBody(msgspec.Struct, forbid_unknown_fields=True):
    """The whole rule, as it should be from now on."""

    id: Id
    limit: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]
    window_s: Annotated[int, msgspec.Meta(ge=60, le=31 * 86400)]
    outcome: Literal["allow", "review", "block"]
    enabled: bool
    student_message: Message
    operator_message: Message


class RiskFlagOut(msgspec.Struct):
    id: str
    rule_id: str
    outcome: str
    subject_kind: str
    subject: str
    student_id: str | None
    payment_id: str | None
    student_message: str
    operator_message: str
    created_at: datetime
    until: datetime | None
    status: str
    lifted_at: datetime | None
    lifted_by: str | None
    lift_reason: str | None
    audit: list[AuditEntryOut]

    @classmethod
    def of(cls, item: FlagWithTrail) -> RiskFlagOut:
        f: RiskFlag = item.flag
        return cls(f.id, f.rule_id, f.outcome.value, f.subject_kind, f.subject, f.student_id,
                   f.payment_id, f.student_message, f.operator_message, f.created_at, f.until,
                   f.status.value, f.lifted_at, f.lifted_by, f.lift_reason,
                   [AuditEntryOut(at=e.at, actor=e.actor, entity=e.entity,
                                  entity_id=e.entity_id, action=e.action,
                                  from_status=e.from_status, to_status=e.to_status,
                                  reason=e.reason) for e in item.trail])


class RiskFlagList(msgspec.Struct):
    items: list[RiskFlagOut]


class LiftBody(msgspec.Struct, forbid_unknown_fields=True):
    flag_id: Id
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class ProgressBody(msgspec.Struct, forbid_unknown_fields=True):
    enrollment_id: Id
    percent_complete: Annotated[int, msgspec.Meta(ge=0, le=100)]


class ProgressOut(msgspec.Struct):
    enrollment_id: str
    student_id: str
    percent_complete: int
    reported_at: datetime


@get("/api/v1/admin/risk/rules", operation_id="listRiskRules", tags=["risk"],
     summary="The risk rules (admin)")
async def list_rules(actor: NamedDependency[Actor],
                     list_risk_rules: NamedDependency[ListRiskRules]) -> RiskRuleList:
    return RiskRuleList([RiskRuleOut.of(r) for r in await list_risk_rules(actor)])


@put("/api/v1/admin/risk/rules", operation_id="updateRiskRule", tags=["risk"],
     summary="Change a risk rule (admin; audited)",
     description="The body is the whole rule as it should be from now on; it applies to the "
                 "next checkout, payment end or refund. Counts already made stay.")
async def update_rule(request: Request[Any, Any, Any], data: JSONBody[RiskRuleBody],
                      actor: NamedDependency[Actor],
                      update_risk_rule: NamedDependency[UpdateRiskRule]) -> RiskRuleOut:
    body = await strict_body(request, RiskRuleBody)
    rule = await update_risk_rule(actor, RuleChange(
        body.id, body.limit, body.window_s, RiskOutcome(body.outcome), body.enabled,
        body.student_message, body.operator_message))
    return RiskRuleOut.of(rule)


@get("/api/v1/admin/risk/flags", operation_id="listRiskFlags", tags=["risk"],
     summary="Blocks and reviews, newest first, with their audit entries (admin)")
async def list_flags(actor: NamedDependency[Actor],
                     risk_queue: NamedDependency[RiskQueue]) -> RiskFlagList:
    return RiskFlagList([RiskFlagOut.of(item) for item in await risk_queue(actor)])


@post("/api/v1/admin/risk/lift", operation_id="liftRiskBlock", tags=["risk"], status_code=200,
      summary="Lift a block (admin; reason required, audited)",
      description="The subject may pass the rule again for the rest of the block's window.")
async def lift_block(request: Request[Any, Any, Any], data: JSONBody[LiftBody],
                     actor: NamedDependency[Actor],
                     lift_risk_block: NamedDependency[LiftRiskBlock]) -> RiskFlagOut:
    body = await strict_body(request, LiftBody)
    flag = await lift_risk_block(actor, body.flag_id, body.reason)
    return RiskFlagOut.of(FlagWithTrail(flag, []))


@post("/api/v1/progress", operation_id="reportProgress", tags=["enrollments"],
      status_code=200, summary="How much of a course the student has done (service, admin)",
      description="The platform reports the latest percent completed of an enrollment's "
                  "course; the refund-after-progress risk rule reads it.")
async def report_progress(request: Request[Any, Any, Any], data: JSONBody[ProgressBody],
                          actor: NamedDependency[Actor],
                          report_progress: NamedDependency[ReportProgress]) -> ProgressOut:
    body = await strict_body(request, ProgressBody)
    progress = await report_progress(actor, body.enrollment_id, body.percent_complete)
    return ProgressOut(progress.id, progress.student_id, progress.percent,
                       progress.reported_at)


RISK_ROUTES = (list_rules, update_rule, list_flags, lift_block, report_progress,
               *ADMIN_RISK_ROUTES)
