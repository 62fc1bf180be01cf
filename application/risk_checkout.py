"""The checkout rules, judged when a checkout is created: checkouts per student and per
address in an hour, distinct students per address in a day, and a declines block.

The largest of the guard's paths, kept on its own: it refuses on a block already in
force, then reads every counter it needs in one locked read (in id order, so two
checkouts never wait on each other crosswise), decides every rule, and counts the
checkout only when nothing blocked it. A refused checkout commits its block and its
audit entries and nothing else.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from application.ports import RiskStore, UnitOfWork
from application.risk_declines import declines_outcome
from application.risk_flags import audit_refused, raise_flag
from application.risk_verdict import RiskBlocked, Verdict
from domain.risk import (
    CHECKOUTS_PER_ADDRESS,
    CHECKOUTS_PER_STUDENT,
    DECLINES_PER_STUDENT,
    STUDENTS_PER_ADDRESS,
    RiskOutcome,
    RiskRule,
)
from domain.risk_records import FlagStatus, RiskCounter, window_start


def counted_address(address: str | None) -> str | None:
    """The address the per-address rules count, or None: no address, or one that is not
    a client's (loopback: a local caller, a health check or a test)."""
    if not address:
        return None
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    if parsed.is_loopback or parsed.is_unspecified:
        return None
    return parsed.compressed


@dataclass(frozen=True)
class _Check:
    rule: RiskRule
    kind: str  # student | address
    subject: str
    start: datetime
    counter_id: str
    marker_id: str | None = None  # distinct students: this student counted already?
    marker_subject: str | None = None


async def judge_checkout(store: RiskStore, uow: UnitOfWork, now: datetime, *,
                         student_id: str, enrollment_id: str, payment_id: str,
                         address: str | None) -> Verdict:
    """Judge a new checkout; unless refused, count it. `payment_id`: the id the
    checkout will have (reviews point at it)."""
    address = counted_address(address)
    rules = await store.rules()
    subjects = [student_id, *([address] if address else [])]
    flags = await store.flags_on(subjects, now)
    for flag in flags:
        if flag.subject_kind in ("student", "address") and flag.in_force(now):
            await audit_refused(uow, flag, enrollment_id, now)
            return Verdict([(flag.rule_id, RiskOutcome.BLOCK)], RiskBlocked(flag))
    declines = rules.get(DECLINES_PER_STUDENT)
    if declines is not None and declines.enabled and declines.outcome is RiskOutcome.BLOCK:
        start = window_start(now, declines.window_s)
        count = await store.count_marks(declines.id, student_id, start)
        if await declines_outcome(store, declines, student_id, start,
                                  count) is RiskOutcome.BLOCK:
            flag = await raise_flag(store, uow, declines, "student", student_id, start,
                                    student_id, None, now, ("enrollment", enrollment_id))
            await audit_refused(uow, flag, enrollment_id, now)
            return Verdict([(flag.rule_id, RiskOutcome.BLOCK)], RiskBlocked(flag))
    lifted = {(f.rule_id, f.subject) for f in flags if f.status is FlagStatus.LIFTED}
    checks = _checkout_checks(rules, student_id, address, now)
    ids = sorted({i for c in checks for i in (c.counter_id, c.marker_id) if i})
    counters = await store.counters(ids) if ids else {}
    verdict, hits, counting = Verdict(), [], []
    for check in checks:
        if check.marker_id and check.marker_id in counters:
            verdict.decisions.append((check.rule.id, RiskOutcome.ALLOW))
            continue  # this student was counted for this address today
        counter = counters.get(check.counter_id)
        count = counter.count if counter else 0
        hit = count >= check.rule.limit and (check.rule.id, check.subject) not in lifted
        outcome = check.rule.outcome if hit else RiskOutcome.ALLOW
        verdict.decisions.append((check.rule.id, outcome))
        if hit and outcome is not RiskOutcome.ALLOW:
            hits.append(check)
        counting.append((check, counter))
    blocks = [c for c in hits if c.rule.outcome is RiskOutcome.BLOCK]
    if blocks:
        first = blocks[0]
        flag = await raise_flag(store, uow, first.rule, first.kind, first.subject,
                                first.start, student_id, None, now,
                                ("enrollment", enrollment_id))
        await audit_refused(uow, flag, enrollment_id, now)
        verdict.decisions = [d for d in verdict.decisions
                             if d[1] is not RiskOutcome.REVIEW]
        verdict.refusal = RiskBlocked(flag)
        return verdict
    for check, counter in counting:
        await _increment(store, check, counter)
    for check in hits:
        await raise_flag(store, uow, check.rule, check.kind, check.subject, check.start,
                         student_id, payment_id, now, ("payment", payment_id))
    return verdict


def _checkout_checks(rules: dict[str, RiskRule], student_id: str, address: str | None,
                     now: datetime) -> list[_Check]:
    checks = []
    rule = rules.get(CHECKOUTS_PER_STUDENT)
    if rule and rule.enabled:
        start = window_start(now, rule.window_s)
        checks.append(_Check(rule, "student", student_id, start,
                             RiskCounter.for_window(rule.id, student_id, start).id))
    for rule_id in (CHECKOUTS_PER_ADDRESS, STUDENTS_PER_ADDRESS):
        rule = rules.get(rule_id)
        if address is None or rule is None or not rule.enabled:
            continue
        start = window_start(now, rule.window_s)
        pair = f"{address}>{student_id}" if rule_id == STUDENTS_PER_ADDRESS else None
        marker = RiskCounter.for_window(rule.id, pair, start).id if pair else None
        checks.append(_Check(rule, "address", address, start,
                             RiskCounter.for_window(rule.id, address, start).id,
                             marker, pair))
    return checks


async def _increment(store: RiskStore, check: _Check, counter: RiskCounter | None) -> None:
    if counter is None:
        counter = RiskCounter.for_window(check.rule.id, check.subject, check.start)
        await store.add_counter(counter)
    counter.count += 1
    if check.marker_id and check.marker_subject:
        await store.add_counter(RiskCounter(check.marker_id, check.rule.id,
                                            check.marker_subject, check.start, count=1))
