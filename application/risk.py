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

Verdicts (application/risk_verdict.py): `allow`; `review` (the action goes ahead and an
operator sees a review); `block` (refused with `risk_blocked`, 403, and the rule's words
for the student; the block holds until its window ends or an operator lifts it). Every
review and block is written to the audit trail (application/risk_flags.py); every
decision is counted (`skillpay_risk_decisions_total`).

RiskGuard is the one object the use cases hold; each path it guards has its own module:
the checkout rules (risk_checkout.py), the declines rule (risk_declines.py), and the
refund-after-progress rule, short enough to stay here.
"""

from __future__ import annotations

from datetime import timedelta

from application.ports import Clock, RiskMetrics, RiskStore, RiskStores, UnitOfWork
from application.risk_checkout import judge_checkout
from application.risk_declines import count_decline, is_decline
from application.risk_flags import FOREVER, raise_flag
from application.risk_verdict import RiskBlocked, Verdict
from domain.payment import Payment
from domain.risk import REFUND_AFTER_PROGRESS, RiskOutcome
from domain.risk_records import FlagStatus, RiskFlag


class NoRiskMetrics:
    def risk_decision(self, rule: str, outcome: str) -> None:
        return None

    def risk_block_lifted(self, rule: str) -> None:
        return None


class RiskGuard:
    """What the use cases hold: each guarded action's rules, and their metrics."""

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

    async def check_checkout(self, uow: UnitOfWork, *, student_id: str, enrollment_id: str,
                             payment_id: str, address: str | None) -> Verdict:
        """Judge a new checkout; unless refused, count it. `payment_id`: the id the
        checkout will have (reviews point at it)."""
        return await judge_checkout(self.store(uow), uow, self._clock.now(),
                                    student_id=student_id, enrollment_id=enrollment_id,
                                    payment_id=payment_id, address=address)

    async def payment_ended(self, uow: UnitOfWork, payment: Payment) -> None:
        """A declined payment is marked (one row per payment: concurrent declines never
        fight over one counter); at the limit the rule's outcome falls on the student. The
        next checkout counts the marks again, so a block missed by two declines committed
        at the same moment is still made before the student checks out again."""
        if not is_decline(payment):
            return
        decided = await count_decline(self.store(uow), uow, payment, self._clock.now())
        if decided is not None:
            rule_id, outcome = decided
            self._metrics.risk_decision(rule_id, outcome.value)

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
        existing = await store.flag(RiskFlag.key(rule.id, payment.id, FOREVER))
        if (existing is not None and existing.status is FlagStatus.LIFTED) \
                or rule.outcome is RiskOutcome.ALLOW:
            return Verdict([(rule.id, RiskOutcome.ALLOW)])
        flag = await raise_flag(store, uow, rule, "payment", payment.id, FOREVER,
                                payment.student_id, payment.id, now, ("payment", payment.id),
                                detail=f"{progress.percent}% of the course done")
        verdict = Verdict([(rule.id, rule.outcome)])
        if rule.outcome is RiskOutcome.BLOCK:
            verdict.refusal = RiskBlocked(flag)
        return verdict
