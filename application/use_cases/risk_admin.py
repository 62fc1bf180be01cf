"""The risk rules for people: admins read and change the rules, see the blocks and
reviews, and lift a block; the platform reports course progress. Each change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.actor import Actor, Role
from application.errors import NotFound
from application.ports import AuditEntry, Clock, UnitOfWork
from application.risk import RiskGuard
from application.transaction import Transactions
from domain.risk import RiskOutcome, RiskRule
from domain.risk_records import CourseProgress, RiskFlag

QUEUE_SIZE = 200


@dataclass(frozen=True, slots=True)
class RuleChange:
    rule_id: str
    limit: int
    window_s: int
    outcome: RiskOutcome
    enabled: bool
    student_message: str
    operator_message: str


@dataclass(frozen=True, slots=True)
class FlagWithTrail:
    flag: RiskFlag
    trail: list[AuditEntry]


class ListRiskRules:
    def __init__(self, tx: Transactions, guard: RiskGuard) -> None:
        self._tx, self._guard = tx, guard

    async def __call__(self, actor: Actor) -> list[RiskRule]:
        actor.require(Role.ADMIN)

        async def work(uow: UnitOfWork) -> list[RiskRule]:
            rules = await self._guard.store(uow).rules()
            return [rules[k] for k in sorted(rules)]

        return await self._tx.run(work)


class UpdateRiskRule:
    def __init__(self, tx: Transactions, guard: RiskGuard, clock: Clock) -> None:
        self._tx, self._guard, self._clock = tx, guard, clock

    async def __call__(self, actor: Actor, change: RuleChange) -> RiskRule:
        actor.require(Role.ADMIN)

        async def work(uow: UnitOfWork) -> RiskRule:
            rule = (await self._guard.store(uow).rules()).get(change.rule_id)
            if rule is None:
                raise NotFound("risk rule")
            before, now = rule.describe(), self._clock.now()
            rule.change(limit=change.limit, window_s=change.window_s, outcome=change.outcome,
                        enabled=change.enabled, student_message=change.student_message,
                        operator_message=change.operator_message, at=now, by=actor.label)
            await uow.audit.append(AuditEntry(
                at=now, actor=actor.label, entity="risk_rule", entity_id=rule.id,
                action="risk_rule_changed", from_status=None, to_status=None,
                reason=f"{before} -> {rule.describe()}"))
            return rule

        return await self._tx.run(work)


class RiskQueue:
    """Blocks and reviews, newest first, each with its audit entries."""

    def __init__(self, tx: Transactions, guard: RiskGuard) -> None:
        self._tx, self._guard = tx, guard

    async def __call__(self, actor: Actor, limit: int = QUEUE_SIZE) -> list[FlagWithTrail]:
        actor.require(Role.ADMIN)

        async def work(uow: UnitOfWork) -> list[FlagWithTrail]:
            flags = await self._guard.store(uow).recent_flags(limit)
            entries = await uow.audit.for_entities([f.id for f in flags])
            return [FlagWithTrail(f, sorted((e for e in entries if e.entity_id == f.id),
                                            key=lambda e: e.at)) for f in flags]

        return await self._tx.run(work)


class LiftRiskBlock:
    """The operator lets the subject past the rule for the rest of the block's window."""

    def __init__(self, tx: Transactions, guard: RiskGuard, clock: Clock) -> None:
        self._tx, self._guard, self._clock = tx, guard, clock

    async def __call__(self, actor: Actor, flag_id: str, reason: str) -> RiskFlag:
        actor.require(Role.ADMIN)

        async def work(uow: UnitOfWork) -> RiskFlag:
            flag = await self._guard.store(uow).flag(flag_id)
            if flag is None:
                raise NotFound("risk block")
            now = self._clock.now()
            flag.lift(by=actor.label, reason=reason, at=now)
            about = [("risk_flag", flag.id)]
            if flag.payment_id:
                about.append(("payment", flag.payment_id))
            for entity, entity_id in about:
                await uow.audit.append(AuditEntry(
                    at=now, actor=actor.label, entity=entity, entity_id=entity_id,
                    action="risk_block_lifted", from_status="active", to_status="lifted",
                    reason=f"{flag.rule_id} on {flag.subject_kind} {flag.subject}: "
                           f"{flag.lift_reason}"))
            return flag

        lifted = await self._tx.run(work)
        self._guard.lifted(lifted.rule_id)
        return lifted


class ReportProgress:
    """The platform says how much of an enrollment's course the student has done."""

    def __init__(self, tx: Transactions, guard: RiskGuard, clock: Clock) -> None:
        self._tx, self._guard, self._clock = tx, guard, clock

    async def __call__(self, actor: Actor, enrollment_id: str, percent: int) -> CourseProgress:
        actor.require(Role.SERVICE, Role.ADMIN)

        async def work(uow: UnitOfWork) -> CourseProgress:
            enrollment = await uow.enrollments.get(enrollment_id)
            if enrollment is None:
                raise NotFound("enrollment")
            store, now = self._guard.store(uow), self._clock.now()
            progress = await store.progress(enrollment_id)
            before = None if progress is None else progress.percent
            if progress is None:
                progress = CourseProgress(enrollment_id, enrollment.student_id, 0, now)
                await store.add_progress(progress)
            progress.report(percent, now)
            if before != percent:
                await uow.audit.append(AuditEntry(
                    at=now, actor=actor.label, entity="enrollment", entity_id=enrollment_id,
                    action="progress_reported", from_status=None, to_status=None,
                    reason=f"{percent}% of the course done"))
            return progress

        return await self._tx.run(work)
