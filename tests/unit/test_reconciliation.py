"""Reconciliation: the day-by-day matcher, and the use-case repairing through verify."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from application.errors import InvalidInput
from application.ports import PaylinkRequest
from application.reconciliation.matcher import OurPayment, match_days
from application.use_cases.reconcile import ReconcileCommand
from domain.enrollment import EnrollmentStatus
from domain.gateway_report import GatewayReport, GatewayStatus
from domain.money import Money
from domain.payment import PaymentStatus
from tests.support.money_back import MoneyBackWorld
from tests.support.world import ADMIN, START

pytestmark = pytest.mark.unit
D1 = date(2026, 5, 1)


def ours(pid: str, day: date, status: PaymentStatus = PaymentStatus.SUCCEEDED,
         amount: int = 100) -> OurPayment:
    return OurPayment(pid, f"pl_{pid}", status, Money(amount, "ZAR"), day)


def theirs(pid: str, status: GatewayStatus = GatewayStatus.SUCCESS, amount: int = 100,
           external: str | None = None) -> GatewayReport:
    return GatewayReport(f"pl_{pid}", status, external or pid, Money(amount, "ZAR"))


async def findings(our_days: dict[date, list[OurPayment]],
                   their_days: dict[date, list[GatewayReport]],
                   start: date, end: date) -> dict[str, list[str]]:
    async def ours_on(day: date):
        for item in our_days.get(day, []):
            yield item

    async def theirs_on(day: date):
        for item in their_days.get(day, []):
            yield item

    days = [start + timedelta(days=i) for i in range(-1, (end - start).days + 2)]
    found: dict[str, list[str]] = {}
    async for f in match_days(days, ours_on, theirs_on, lambda d: start <= d <= end):
        ident = f.ours.payment_id if f.ours else f.theirs.paylink_id
        found.setdefault(f.category, []).append(ident)
    return found


async def test_every_category_is_found():
    got = await findings(
        {D1: [ours("a", D1), ours("b", D1, PaymentStatus.PENDING), ours("c", D1),
              ours("d", D1), ours("e", D1)]},
        {D1: [theirs("a"), theirs("b"), theirs("c", amount=99),
              theirs("d", external="pay_other"), theirs("z")]},
        D1, D1)
    assert got == {"matched": ["a"], "status_mismatch": ["b"], "amount_mismatch": ["c"],
                   "reference_mismatch": ["d"], "missing_at_gateway": ["e"],
                   "unknown_to_us": ["pl_z"]}


async def test_a_paylink_on_the_other_side_of_midnight_still_matches():
    d2 = D1 + timedelta(days=1)
    got = await findings({D1: [ours("late", D1)], d2: [ours("early", d2)]},
                         {d2: [theirs("late")], D1: [theirs("early")]}, D1, d2)
    assert got == {"matched": ["late", "early"]}


async def test_margin_days_match_but_are_never_reported():
    before, after = D1 - timedelta(days=1), D1 + timedelta(days=1)
    got = await findings({before: [ours("old", before)], D1: [ours("edge", D1)]},
                         {after: [theirs("edge"), theirs("next")]}, D1, D1)
    assert got == {"matched": ["edge"]}


async def reconcile_world() -> tuple[MoneyBackWorld, dict[str, str]]:
    """Five checkouts today: paid and told, paid but never told, tampered amount,
    still pending, unknown to the gateway; plus one paylink we never recorded."""
    world = MoneyBackWorld()
    ids: dict[str, str] = {}
    for name in ("told", "untold", "tampered", "pending", "lost"):
        enrollment = await world.enrollment(student_id=f"stu-{name}")
        ids[name] = (await world.checkout(enrollment)).id
    gw = world.gateway
    for name in ("told", "untold", "tampered"):
        gw.settle(gw.paylink_for(ids[name]), GatewayStatus.SUCCESS)
    gw.settle(gw.paylink_for(ids["tampered"]), GatewayStatus.SUCCESS,
              reported_amount=Money(100, "ZAR"))
    body, headers = gw.signed_callback(gw.paylink_for(ids["told"]))
    await world.handle_callback(headers, body)
    orphan = await gw.create_paylink(PaylinkRequest(
        "pay_orphan", "enr_x", Money(500, "ZAR"), "", "", "", "", ""))
    ids["orphan"] = orphan.paylink_id
    del gw.paylinks[gw.paylink_for(ids["lost"])]
    return world, ids


async def test_a_report_only_run_counts_and_changes_nothing():
    world, ids = await reconcile_world()
    report = await world.reconcile(ReconcileCommand(ADMIN, START.date(), START.date()))
    assert report.counts == {"matched": 2, "status_mismatch": 1, "amount_mismatch": 1,
                             "reference_mismatch": 0, "missing_at_gateway": 1,
                             "unknown_to_us": 1}
    assert report.examples["status_mismatch"] == [ids["untold"]]
    assert report.examples["unknown_to_us"] == [ids["orphan"]]
    assert report.repaired == [] and report.flagged == []
    assert world.payment_row(ids["untold"]).status is PaymentStatus.PENDING
    assert (await world.reports.get(report.id)).counts == report.counts


async def test_applying_repairs_the_missed_callback_and_flags_the_tampered_amount():
    world, ids = await reconcile_world()
    report = await world.reconcile(ReconcileCommand(ADMIN, START.date(), START.date(),
                                                    apply=True))
    assert report.repaired == [ids["untold"]] and report.flagged == [ids["tampered"]]
    repaired = world.payment_row(ids["untold"])
    assert repaired.status is PaymentStatus.SUCCEEDED
    enrollment = world.enrollment_row(repaired.enrollment_id)
    assert enrollment.status is EnrollmentStatus.ACTIVE
    tampered = world.payment_row(ids["tampered"])
    assert tampered.status is PaymentStatus.PENDING
    assert tampered.review_reason == "amount_mismatch"
    assert world.enrollment_row(tampered.enrollment_id).status is \
        EnrollmentStatus.PENDING_PAYMENT
    actors = {e.actor for e in world.store.audit if e.entity_id == ids["untold"]
              and e.action == "PaymentSucceeded"}
    assert actors == {"reconciliation:admin-1"}
    again = await world.reconcile(ReconcileCommand(ADMIN, START.date(), START.date(),
                                                   apply=True))
    assert again.repaired == [] and again.counts["matched"] == 3


async def test_periods_are_checked():
    world = MoneyBackWorld()
    with pytest.raises(InvalidInput) as backwards:
        await world.reconcile(ReconcileCommand(ADMIN, D1, D1 - timedelta(days=1)))
    assert backwards.value.code == "invalid_date_range"
    with pytest.raises(InvalidInput):
        await world.reconcile(ReconcileCommand(ADMIN, D1, D1 + timedelta(days=366)))
    report = await world.reconcile(ReconcileCommand(ADMIN, D1, D1 + timedelta(days=365)))
    assert sum(report.counts.values()) == 0
    listed = await world.reports.newest(10)
    assert [r.id for r in listed] == [report.id]


@pytest.mark.parametrize("start", [date.min, date.max])
async def test_periods_at_the_edges_of_the_calendar_are_refused_not_crashed(start):
    """Regression (found by the API fuzzer): 0001-01-01 and 9999-12-31 overflowed the
    margin day read around the period and answered 500."""
    world = MoneyBackWorld()
    with pytest.raises(InvalidInput) as refused:
        await world.reconcile(ReconcileCommand(ADMIN, start, start))
    assert refused.value.code == "invalid_date_range"
