"""Risk rules over HTTP: admins read and change the rules, list blocks and reviews and
lift a block; the platform reports course progress (docs/risk.md, docs/api.md).

No route takes an id in its path: the ids travel in the body (admin-only and service
routes, so there is no owner to check; see tests/e2e/test_route_ownership.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar import get, post, put
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
from domain.risk import MAX_MESSAGE, RiskOutcome, RiskRule
from domain.risk_records import RiskFlag
from entrypoints.http.admin_risk import ADMIN_RISK_ROUTES
from entrypoints.http.request_body import RequestBody
from entrypoints.http.schemas import AuditEntryOut, AuditTrail, Id

Message = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_MESSAGE)]


class RiskRuleOut(msgspec.Struct, frozen=True, kw_only=True):
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
        return cls(id=r.id, limit=r.limit, window_s=r.window_s, outcome=r.outcome.value,
                   enabled=r.enabled, student_message=r.student_message,
                   operator_message=r.operator_message, updated_at=r.updated_at,
                   updated_by=r.updated_by)


class RiskRuleList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[RiskRuleOut]


class RiskRuleBody(RequestBody):
    """The whole rule, as it should be from now on."""

    id: Id
    limit: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]
    window_s: Annotated[int, msgspec.Meta(ge=60, le=31 * 86400)]
    outcome: Literal["allow", "review", "block"]
    enabled: bool
    student_message: Message
    operator_message: Message


class RiskFlagOut(msgspec.Struct, frozen=True, kw_only=True):
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
        return cls(id=f.id, rule_id=f.rule_id, outcome=f.outcome.value,
                   subject_kind=f.subject_kind, subject=f.subject, student_id=f.student_id,
                   payment_id=f.payment_id, student_message=f.student_message,
                   operator_message=f.operator_message, created_at=f.created_at,
                   until=f.until, status=f.status.value, lifted_at=f.lifted_at,
                   lifted_by=f.lifted_by, lift_reason=f.lift_reason,
                   audit=AuditTrail.of(item.trail).items)


class RiskFlagList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[RiskFlagOut]


class LiftBody(RequestBody):
    flag_id: Id
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class ProgressBody(RequestBody):
    enrollment_id: Id
    percent_complete: Annotated[int, msgspec.Meta(ge=0, le=100)]


class ProgressOut(msgspec.Struct, frozen=True, kw_only=True):
    enrollment_id: str
    student_id: str
    percent_complete: int
    reported_at: datetime


@get("/api/v1/admin/risk/rules", operation_id="listRiskRules", tags=["risk"],
     summary="The risk rules (admin)")
async def list_rules(actor: NamedDependency[Actor],
                     list_risk_rules: NamedDependency[ListRiskRules]) -> RiskRuleList:
    return RiskRuleList(items=[RiskRuleOut.of(r) for r in await list_risk_rules(actor)])


@put("/api/v1/admin/risk/rules", operation_id="updateRiskRule", tags=["risk"],
     summary="Change a risk rule (admin; audited)",
     description="The body is the whole rule as it should be from now on; it applies to the "
                 "next checkout, payment end or refund. Counts already made stay.")
async def update_rule(data: JSONBody[RiskRuleBody], actor: NamedDependency[Actor],
                      update_risk_rule: NamedDependency[UpdateRiskRule]) -> RiskRuleOut:
    rule = await update_risk_rule(actor, RuleChange(
        data.id, data.limit, data.window_s, RiskOutcome(data.outcome), data.enabled,
        data.student_message, data.operator_message))
    return RiskRuleOut.of(rule)


@get("/api/v1/admin/risk/flags", operation_id="listRiskFlags", tags=["risk"],
     summary="Blocks and reviews, newest first, with their audit entries (admin)")
async def list_flags(actor: NamedDependency[Actor],
                     risk_queue: NamedDependency[RiskQueue]) -> RiskFlagList:
    return RiskFlagList(items=[RiskFlagOut.of(item) for item in await risk_queue(actor)])


@post("/api/v1/admin/risk/lift", operation_id="liftRiskBlock", tags=["risk"], status_code=200,
      summary="Lift a block (admin; reason required, audited)",
      description="The subject may pass the rule again for the rest of the block's window.")
async def lift_block(data: JSONBody[LiftBody], actor: NamedDependency[Actor],
                     lift_risk_block: NamedDependency[LiftRiskBlock]) -> RiskFlagOut:
    flag = await lift_risk_block(actor, data.flag_id, data.reason)
    return RiskFlagOut.of(FlagWithTrail(flag, []))


@post("/api/v1/progress", operation_id="reportProgress", tags=["enrollments"],
      status_code=200, summary="How much of a course the student has done (service, admin)",
      description="The platform reports the latest percent completed of an enrollment's "
                  "course; the refund-after-progress risk rule reads it.")
async def report_progress(data: JSONBody[ProgressBody], actor: NamedDependency[Actor],
                          report_progress: NamedDependency[ReportProgress]) -> ProgressOut:
    progress = await report_progress(actor, data.enrollment_id, data.percent_complete)
    return ProgressOut(enrollment_id=progress.id, student_id=progress.student_id,
                       percent_complete=progress.percent, reported_at=progress.reported_at)


RISK_ROUTES = (list_rules, update_rule, list_flags, lift_block, report_progress,
               *ADMIN_RISK_ROUTES)
