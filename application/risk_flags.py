"""A risk rule's flag on a subject, and the audit entries every review and block leaves.

Every path of the guard (a checkout, a decline, a refund) ends the same way when a rule
fires: one flag per (rule, subject, window), made and audited once (its id is that key,
so a race to make it twice loses on commit). Kept in one place so the trail an operator
reads (entity `risk_flag`, and the enrollment or payment it concerned) is the same
whichever action tripped the rule.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from application.ports import AuditEntry, RiskStore, UnitOfWork
from domain.risk import RiskRule
from domain.risk_records import RiskFlag

RISK_ACTOR = "risk"
FOREVER = datetime(1970, 1, 1, tzinfo=UTC)  # the one "window" of per-payment rules


async def raise_flag(store: RiskStore, uow: UnitOfWork, rule: RiskRule, kind: str,
                     subject: str, start: datetime, student_id: str | None,
                     payment_id: str | None, now: datetime, about: tuple[str, str],
                     detail: str = "") -> RiskFlag:
    """The rule's flag on the subject for this window: made (and audited) once."""
    flag_id = RiskFlag.key(rule.id, subject, start)
    flag = await store.flag(flag_id)
    if flag is not None:
        return flag
    until = None if start == FOREVER else start + timedelta(seconds=rule.window_s)
    flag = RiskFlag(id=flag_id, rule_id=rule.id, outcome=rule.outcome, subject_kind=kind,
                    subject=subject, student_id=student_id, payment_id=payment_id,
                    student_message=rule.student_message,
                    operator_message=rule.operator_message, created_at=now, until=until)
    await store.add_flag(flag)
    reason = (f"{rule.id} (limit {rule.limit}): {rule.operator_message} "
              f"[{kind} {subject}{'; ' + detail if detail else ''}]")
    action = f"risk_{rule.outcome.value}"
    for entity, entity_id in (("risk_flag", flag.id), about):
        await uow.audit.append(AuditEntry(
            at=now, actor=RISK_ACTOR, entity=entity, entity_id=entity_id, action=action,
            from_status=None, to_status=rule.outcome.value, reason=reason))
    return flag


async def audit_refused(uow: UnitOfWork, flag: RiskFlag, enrollment_id: str,
                        now: datetime) -> None:
    """A checkout refused by a block in force: the enrollment's trail says which."""
    await uow.audit.append(AuditEntry(
        at=now, actor=RISK_ACTOR, entity="enrollment", entity_id=enrollment_id,
        action="checkout_refused_by_risk", from_status=None, to_status=None,
        reason=f"{flag.rule_id}: {flag.operator_message} (block {flag.id})"))
