"""The risk rules at work: judged inside the transaction of the action they guard.

When a checkout is created (StartPayment), when a payment ends declined
(GatewayReportApplier) and when a refund is asked for (RequestRefund), the guard reads
the rules, and the counters it needs *locked*: on PostgreSQL `SELECT ... FOR UPDATE`
(in id order, so two checkouts never wait on each other crosswise); everywhere, each
counter is a versioned row written on commit (`WHERE version = ?`, a new one by its
primary key), so a transaction that counted on a stale value loses the race
(ConcurrentUpdate) and is re-run on fresh counts. Twenty checkouts at a limit of N let
exactly N through, on SQLite and PostgreSQL alike; a refused one commits its block and
its audit entries and nothing else.

Verdicts: `allow`; `review` (the action goes ahead and an operator sees a review);
`block` (refused with `risk_blocked`, 403, and the rule's words for the student; the
block holds until its window ends or an operator lifts it). Every review and block is
written to the audit trail (entity `risk_flag`, and the enrollment or payment it
concerned); every decision is counted (`skillpay_risk_decisions_total`).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from application.ports import AuditEntry, Clock, RiskMetrics, RiskStore, RiskStores, UnitOfWork
from domain.classification import ClassifiedFailure
from domain.payment import Payment, PaymentStatus
from domain.risk import (
    CHECKOUTS_PER_ADDRESS,
    CHECKOUTS_PER_STUDENT,
    DECLINES_PER_STUDENT,
    REFUND_AFTER_PROGRESS,
    STUDENTS_PER_ADDRESS,
    FlagStatus,
    RiskCounter,
    RiskFlag,
    RiskOutcome,
    RiskRule,
    window_start,
)

RISK_ACTOR = "risk"
DECLINES = frozenset({"payment_declined", "insufficient_funds"})
_FOREVER = datetime(1970, 1, 1, tzinfo=UTC)  # the one "window" of per-payment rules


class RiskBlocked(ClassifiedFailure):
    """403 `risk_blocked`: `extra["user_message"]` is the rule's words for the student."""

    def __init__(self, flag: RiskFlag) -> None:
        until = f" until {flag.until:%Y-%m-%d %H:%M} UTC" if flag.until else ""
        super().__init__("risk_blocked", f"paused by the risk rule {flag.rule_id}{until}")
        self.extra = {"user_message": flag.student_message}
        self.flag_id = flag.id
        self.rule_id = flag.rule_id


class NoRiskMetrics:
    def risk_decision(self, rule: str, outcome: str) -> None:
        return None

    def risk_block_lifted(self, rule: str) -> None:
        return None


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


@dataclass
class Verdict:
    """What the rules said about one action: every decision, and the refusal if any."""

    decisions: list[tuple[str, RiskOutcome]] = field(default_factory=list)
    refusal: RiskBlocked | None = None


@dataclass(frozen=True)
class _Check:
    rule: RiskRule
    kind: str  # student | address
    subject: str
    start: datetime
    counter_id: str
    marker_id: str | None = None  # distinct students: this student counted already?
    marker_subject: str | None = None


class RiskGuard:
    def __init__(self, stores: RiskStores, clock: Clock,
                 metrics: RiskMetrics | None = None) -> None:
        self._stores, self._clock = stores, clock
        self._metrics: RiskMetrics = metrics or NoRiskMetrics()

    def store(self, uow: UnitOfWork) -> RiskStore:
        return self._stores(uow)

    def count(self, verdict: Verdict) -> None:
        """Count the decisions once their transaction committed."""
        for rule, outcome in verdict.decisions:
            self._metrics.risk_decision(rule, outcome.value)

    def lifted(self, rule: str) -> None:
        self._metrics.risk_block_lifted(rule)

    # -- when a checkout is created ---------------------------------------------------
    async def check_checkout(self, uow: UnitOfWork, *, student_id: str, enrollment_id: str,
                             payment_id: str, address: str | None) -> Verdict:
        """Judge a new checkout; unless refused, count it. `payment_id`: the id the
        checkout will have (reviews point at it)."""
        store, now = self.store(uow), self._clock.now()
        address = counted_address(address)
        rules = await store.rules()
        subjects = [student_id, *([address] if address else [])]
        flags = await store.flags_on(subjects, now)
        for flag in flags:
            if flag.subject_kind in ("student", "address") and flag.in_force(now):
                await self._audit_refused(uow, flag, enrollment_id, now)
                return Verdict([(flag.rule_id, RiskOutcome.BLOCK)], RiskBlocked(flag))
        declines = rules.get(DECLINES_PER_STUDENT)
        if declines is not None and declines.enabled and declines.outcome is RiskOutcome.BLOCK:
            start = window_start(now, declines.window_s)
            count = await store.count_marks(declines.id, student_id, start)
            if await self._declines_outcome(store, declines, student_id, start,
                                            count) is RiskOutcome.BLOCK:
                flag = await self._flag(store, uow, declines, "student", student_id, start,
                                        student_id, None, now, ("enrollment", enrollment_id))
                await self._audit_refused(uow, flag, enrollment_id, now)
                return Verdict([(flag.rule_id, RiskOutcome.BLOCK)], RiskBlocked(flag))
        lifted = {(f.rule_id, f.subject) for f in flags if f.status is FlagStatus.LIFTED}
        checks = self._checkout_checks(rules, student_id, address, now)
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
            flag = await self._flag(store, uow, first.rule, first.kind, first.subject,
                                    first.start, student_id, None, now,
                                    ("enrollment", enrollment_id))
            await self._audit_refused(uow, flag, enrollment_id, now)
            verdict.decisions = [d for d in verdict.decisions
                                 if d[1] is not RiskOutcome.REVIEW]
            verdict.refusal = RiskBlocked(flag)
            return verdict
        for check, counter in counting:
            await self._increment(store, check, counter)
        for check in hits:
            await self._flag(store, uow, check.rule, check.kind, check.subject, check.start,
                             student_id, payment_id, now, ("payment", payment_id))
        return verdict

    @staticmethod
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

    @staticmethod
    async def _increment(store: RiskStore, check: _Check,
                         counter: RiskCounter | None) -> None:
        if counter is None:
            counter = RiskCounter.for_window(check.rule.id, check.subject, check.start)
            await store.add_counter(counter)
        counter.count += 1
        if check.marker_id and check.marker_subject:
            await store.add_counter(RiskCounter(check.marker_id, check.rule.id,
                                                check.marker_subject, check.start, count=1))

    # -- when a payment ends -------------------------------------------------------------
    async def payment_ended(self, uow: UnitOfWork, payment: Payment) -> None:
        """A declined payment is marked (one row per payment: concurrent declines never
        fight over one counter); at the limit the rule's outcome falls on the student. The
        next checkout counts the marks again, so a block missed by two declines committed
        at the same moment is still made before the student checks out again."""
        if payment.status is not PaymentStatus.FAILED or (
                payment.failure_code is not None and payment.failure_code not in DECLINES):
            return  # iKhokha's FAILURE carries no code: a decline
        store, now = self.store(uow), self._clock.now()
        rule = (await store.rules()).get(DECLINES_PER_STUDENT)
        if rule is None or not rule.enabled:
            return
        start = window_start(now, rule.window_s)
        mark = RiskCounter.for_window(rule.id, f"{payment.student_id}>{payment.id}", start)
        if (await store.counters([mark.id])).get(mark.id) is not None:
            return  # this payment's decline was counted already
        await store.add_counter(RiskCounter(mark.id, rule.id, payment.student_id, start, 1))
        declines = await store.count_marks(rule.id, payment.student_id, start) + 1
        outcome = await self._declines_outcome(store, rule, payment.student_id, start,
                                               declines)
        if outcome is not RiskOutcome.ALLOW:
            await self._flag(store, uow, rule, "student", payment.student_id, start,
                             payment.student_id, payment.id, now, ("payment", payment.id))
        self._metrics.risk_decision(rule.id, outcome.value)

    @staticmethod
    async def _declines_outcome(store: RiskStore, rule: RiskRule, student_id: str,
                                start: datetime, declines: int) -> RiskOutcome:
        if declines < rule.limit:
            return RiskOutcome.ALLOW
        existing = await store.flag(RiskFlag.key(rule.id, student_id, start))
        if existing is not None and existing.status is FlagStatus.LIFTED:
            return RiskOutcome.ALLOW
        return rule.outcome

    # -- when a refund is asked for ------------------------------------------------------
    async def check_refund(self, uow: UnitOfWork, payment: Payment) -> Verdict:
        """A refund soon after the purchase of a course the student has mostly done."""
        store, now = self.store(uow), self._clock.now()
        rule = (await store.rules()).get(REFUND_AFTER_PROGRESS)
        if rule is None or not rule.enabled:
            return Verdict()
        progress = await store.progress(payment.enrollment_id)
        soon = now - payment.created_at <= timedelta(seconds=rule.window_s)
        if progress is None or progress.percent < rule.limit or not soon:
            return Verdict([(rule.id, RiskOutcome.ALLOW)])
        existing = await store.flag(RiskFlag.key(rule.id, payment.id, _FOREVER))
        if (existing is not None and existing.status is FlagStatus.LIFTED) \
                or rule.outcome is RiskOutcome.ALLOW:
            return Verdict([(rule.id, RiskOutcome.ALLOW)])
        flag = await self._flag(store, uow, rule, "payment", payment.id, _FOREVER,
                                payment.student_id, payment.id, now, ("payment", payment.id),
                                detail=f"{progress.percent}% of the course done")
        verdict = Verdict([(rule.id, rule.outcome)])
        if rule.outcome is RiskOutcome.BLOCK:
            verdict.refusal = RiskBlocked(flag)
        return verdict

    # -- flags and their audit entries ---------------------------------------------------
    async def _flag(self, store: RiskStore, uow: UnitOfWork, rule: RiskRule, kind: str,
                    subject: str, start: datetime, student_id: str | None,
                    payment_id: str | None, now: datetime, about: tuple[str, str],
                    detail: str = "") -> RiskFlag:
        """The rule's flag on the subject for this window: made (and audited) once."""
        flag_id = RiskFlag.key(rule.id, subject, start)
        flag = await store.flag(flag_id)
        if flag is not None:
            return flag
        until = None if start == _FOREVER else start + timedelta(seconds=rule.window_s)
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

    @staticmethod
    async def _audit_refused(uow: UnitOfWork, flag: RiskFlag, enrollment_id: str,
                             now: datetime) -> None:
        await uow.audit.append(AuditEntry(
            at=now, actor=RISK_ACTOR, entity="enrollment", entity_id=enrollment_id,
            action="checkout_refused_by_risk", from_status=None, to_status=None,
            reason=f"{flag.rule_id}: {flag.operator_message} (block {flag.id})"))
