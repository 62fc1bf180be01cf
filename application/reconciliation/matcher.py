"""Match our payments with the gateway's transactions day by day, in bounded memory.

The gateway's history has no order we can rely on and no key we can seek by, so a
global sort-merge would need the whole period in memory (or on disk). Instead both
sides are read one calendar day at a time: the gateway's day goes into a dict keyed
by paylink id, our day is streamed past it in batches. Unmatched items of either side
are carried into the next day once, because a paylink may land on the other side of
midnight from its payment (clock or time-zone difference), then reported.

Memory: the gateway's transactions of two consecutive days plus our unmatched
payments of one day — proportional to the busiest day, not to the period. Time: one
pass over each side, O(n) dict operations.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from domain.gateway_report import GatewayReport, GatewayStatus
from domain.money import Money
from domain.payment import PaymentStatus

S = PaymentStatus
# Which of our statuses agree with each gateway status.
_AGREES: Mapping[GatewayStatus, frozenset[PaymentStatus]] = MappingProxyType({
    GatewayStatus.PENDING: frozenset({S.CREATED, S.PENDING, S.EXPIRED}),
    GatewayStatus.SUCCESS: frozenset({S.SUCCEEDED, S.PARTIALLY_REFUNDED, S.REFUNDED}),
    GatewayStatus.FAILURE: frozenset({S.FAILED}),
    GatewayStatus.CANCELLED: frozenset({S.CANCELLED, S.FAILED}),
    GatewayStatus.EXPIRED: frozenset({S.EXPIRED}),
})


@dataclass(frozen=True, slots=True)
class OurPayment:
    """The facts of one of our payments that reconciliation compares."""

    payment_id: str
    paylink_id: str
    status: PaymentStatus
    amount: Money
    day: date


@dataclass(frozen=True, slots=True)
class Finding:
    category: str
    ours: OurPayment | None
    theirs: GatewayReport | None


def compare(ours: OurPayment, theirs: GatewayReport) -> str:
    if theirs.external_transaction_id not in (None, "", ours.payment_id):
        return "reference_mismatch"
    if theirs.amount is not None and theirs.amount != ours.amount:
        return "amount_mismatch"
    if ours.status not in _AGREES[theirs.status]:
        return "status_mismatch"
    return "matched"


Ours = Callable[[date], AsyncIterator[OurPayment]]
Theirs = Callable[[date], AsyncIterator[GatewayReport]]


async def match_days(days: list[date], ours_on: Ours, theirs_on: Theirs,
                     in_period: Callable[[date], bool]) -> AsyncIterator[Finding]:
    """Findings for `days` (give one margin day on each side of the period).

    Pairs count when our payment's day is in the period; unknown gateway items when
    their day is; the margin days only serve to match across midnight.
    """
    carried_ours: dict[str, OurPayment] = {}
    carried_theirs: dict[str, tuple[date, GatewayReport]] = {}
    for day in days:
        theirs = {r.paylink_id: r async for r in theirs_on(day)}
        for paylink_id, ours in carried_ours.items():
            found = theirs.pop(paylink_id, None)
            if in_period(ours.day):
                yield _finding(ours, found)
        carried_ours = {}
        async for ours in ours_on(day):
            found = theirs.pop(ours.paylink_id, None)
            if found is None:
                earlier = carried_theirs.pop(ours.paylink_id, None)
                found = earlier[1] if earlier else None
            if found is None:
                carried_ours[ours.paylink_id] = ours
            elif in_period(ours.day):
                yield Finding(compare(ours, found), ours, found)
        for their_day, report in carried_theirs.values():
            if in_period(their_day):
                yield Finding("unknown_to_us", None, report)
        carried_theirs = {k: (day, r) for k, r in theirs.items()}
    for ours in carried_ours.values():
        if in_period(ours.day):
            yield Finding("missing_at_gateway", ours, None)
    for their_day, report in carried_theirs.values():
        if in_period(their_day):
            yield Finding("unknown_to_us", None, report)


def _finding(ours: OurPayment, theirs: GatewayReport | None) -> Finding:
    if theirs is None:
        return Finding("missing_at_gateway", ours, None)
    return Finding(compare(ours, theirs), ours, theirs)
