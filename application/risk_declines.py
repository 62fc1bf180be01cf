"""The declines rule: too many declined payments for one student in a day.

Its own module because a decline is counted differently from a checkout: each declined
payment leaves its own marker row (one per payment, so concurrent declines never fight
over one counter), and the count is the number of markers. A block missed by two
declines committed at the same moment is still made, because the next checkout counts
the markers again (application/risk_checkout.py asks `declines_outcome`).
"""

from __future__ import annotations

from datetime import datetime

from application.ports import RiskStore, UnitOfWork
from application.risk_flags import raise_flag
from domain.payment import Payment, PaymentStatus
from domain.risk import DECLINES_PER_STUDENT, RiskOutcome, RiskRule
from domain.risk_records import FlagStatus, RiskCounter, RiskFlag, window_start

DECLINES = frozenset({"payment_declined", "insufficient_funds"})


def is_decline(payment: Payment) -> bool:
    """A payment that ended declined (iKhokha's FAILURE carries no code: a decline)."""
    return payment.status is PaymentStatus.FAILED and (
        payment.failure_code is None or payment.failure_code in DECLINES)


async def declines_outcome(store: RiskStore, rule: RiskRule, student_id: str,
                           start: datetime, declines: int) -> RiskOutcome:
    """The rule's outcome for `declines` in the window, unless an operator lifted it."""
    if declines < rule.limit:
        return RiskOutcome.ALLOW
    existing = await store.flag(RiskFlag.key(rule.id, student_id, start))
    if existing is not None and existing.status is FlagStatus.LIFTED:
        return RiskOutcome.ALLOW
    return rule.outcome


async def count_decline(store: RiskStore, uow: UnitOfWork, payment: Payment,
                        now: datetime) -> tuple[str, RiskOutcome] | None:
    """Mark a declined payment; at the limit the rule's outcome falls on the student.

    The rule's decision, or None when the rule is off or this decline was counted."""
    rule = (await store.rules()).get(DECLINES_PER_STUDENT)
    if rule is None or not rule.enabled:
        return None
    start = window_start(now, rule.window_s)
    mark = RiskCounter.for_window(rule.id, f"{payment.student_id}>{payment.id}", start)
    if (await store.counters([mark.id])).get(mark.id) is not None:
        return None  # this payment's decline was counted already
    await store.add_counter(RiskCounter(mark.id, rule.id, payment.student_id, start, 1))
    declines = await store.count_marks(rule.id, payment.student_id, start) + 1
    outcome = await declines_outcome(store, rule, payment.student_id, start, declines)
    if outcome is not RiskOutcome.ALLOW:
        await raise_flag(store, uow, rule, "student", payment.student_id, start,
                         payment.student_id, payment.id, now, ("payment", payment.id))
    return rule.id, outcome
