"""Steps for refunds, reconciliation and rollback (features/refunds.feature,
reconciliation.feature, rollback.feature), driven on use-cases and fakes.

Test modules import `*` from here: the `scenario` fixture below replaces the shared one
with a world that also has the money-back use-cases; the shared steps still apply.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from pytest_bdd import given, parsers, then, when

from application.reconciliation.report import ReconciliationReport
from application.use_cases.enrollments import CreateEnrollmentCommand
from application.use_cases.reconcile import ReconcileCommand
from domain.classification import classify
from domain.enrollment import EnrollmentStatus
from domain.gateway_report import GatewayStatus
from domain.payment import Payment
from domain.refund import Refund, RefundStatus
from tests.bdd.conftest import Scenario, rand
from tests.support.money_back import MoneyBackWorld
from tests.support.world import ADMIN, SERVICE, START


class MoneyBackScenario(Scenario):
    refund: Refund | None = None
    report: ReconciliationReport | None = None
    checkouts: dict[str, Payment]

    @property
    def mb(self) -> MoneyBackWorld:
        assert isinstance(self.world, MoneyBackWorld)
        return self.world


@pytest.fixture
def scenario() -> Iterator[MoneyBackScenario]:
    with asyncio.Runner() as runner:
        made = MoneyBackScenario(MoneyBackWorld(), runner)
        made.checkouts = {}
        yield made


# -- refunds -------------------------------------------------------------------------
@given(parsers.parse('student "{name}" has paid {price} for the course "{course}"'))
def has_paid(scenario: MoneyBackScenario, name: str, price: str, course: str) -> None:
    world = scenario.mb
    scenario.students[name] = f"student-{name.lower()}"
    scenario.enrollment = scenario.run(world.create_enrollment(CreateEnrollmentCommand(
        SERVICE, scenario.students[name], course, rand(price))))
    scenario.payment = scenario.run(world.checkout(scenario.enrollment))
    world.gateway.settle(scenario.payment.paylink_id or "", GatewayStatus.SUCCESS)
    scenario.run(world.verify_payment(ADMIN, scenario.payment.id))


@given("the payment provider can only refund from its own dashboard")
def manual_refunds_only(scenario: MoneyBackScenario) -> None:
    scenario.mb.gateway.can_refund = False


@when(parsers.parse('an admin refunds {amount} because "{reason}"'))
def admin_refunds(scenario: MoneyBackScenario, amount: str, reason: str) -> None:
    assert scenario.payment is not None
    minor = None if amount == "everything" else rand(amount).amount_minor
    scenario.failure = None
    try:
        scenario.refund = scenario.run(scenario.mb.refund(scenario.payment.id, minor, reason))
    except Exception as failure:  # the Then steps say what the admin was told
        scenario.failure = failure


@when(parsers.parse('an admin confirms the refund with the provider\'s reference "{ref}"'))
def admin_confirms(scenario: MoneyBackScenario, ref: str) -> None:
    assert scenario.refund is not None
    scenario.refund = scenario.run(scenario.mb.confirm_refund(ADMIN, scenario.refund.id, ref))


@then(parsers.parse("{name} has {amount} back"))
def has_back(scenario: MoneyBackScenario, name: str, amount: str) -> None:
    assert scenario.current_payment().refunded == rand(amount)


@then(parsers.parse('the course "{course}" is still open to {name}'))
def still_open(scenario: MoneyBackScenario, course: str, name: str) -> None:
    assert scenario.enrollment is not None
    row = scenario.world.enrollment_row(scenario.enrollment.id)
    assert row.course_id == course and row.status is EnrollmentStatus.ACTIVE


@then(parsers.parse('the course "{course}" is no longer open to {name}'))
def no_longer_open(scenario: MoneyBackScenario, course: str, name: str) -> None:
    assert scenario.enrollment is not None
    row = scenario.world.enrollment_row(scenario.enrollment.id)
    assert row.course_id == course and row.status is EnrollmentStatus.REVOKED


@then("the refund is refused because it is more than what is left")
def refund_refused(scenario: MoneyBackScenario) -> None:
    assert scenario.failure is not None, "the refund was not refused"
    assert classify(scenario.failure).code == "refund_exceeds_captured"


@then("the refund waits for someone to refund in the provider's dashboard")
def refund_waits(scenario: MoneyBackScenario) -> None:
    assert scenario.refund is not None
    assert scenario.refund.status is RefundStatus.MANUAL_ACTION_REQUIRED


# -- rollback ------------------------------------------------------------------------
@when(parsers.parse('an admin reverts {name}\'s enrollment because "{reason}"'))
def admin_reverts(scenario: MoneyBackScenario, name: str, reason: str) -> None:
    assert scenario.enrollment is not None
    scenario.run(scenario.mb.revert_enrollment(ADMIN, scenario.enrollment.id, reason))


@then(parsers.parse('the record shows an admin took the course away because "{reason}"'))
def revert_recorded(scenario: MoneyBackScenario, reason: str) -> None:
    assert scenario.enrollment is not None
    entries = [e for e in scenario.world.store.audit if e.entity_id == scenario.enrollment.id
               and e.to_status == "revoked"]
    assert [(e.actor, e.reason) for e in entries] == [(ADMIN.label, reason)]


# -- reconciliation ------------------------------------------------------------------
@given(parsers.parse('students "{a}", "{b}" and "{c}" started checkouts for {price} today'))
def three_checkouts(scenario: MoneyBackScenario, a: str, b: str, c: str, price: str) -> None:
    for name in (a, b, c):
        enrollment = scenario.run(scenario.mb.enrollment(
            student_id=f"student-{name.lower()}", amount=rand(price).amount_minor))
        scenario.checkouts[name] = scenario.run(scenario.mb.checkout(enrollment))


@given(parsers.re(r"the payment provider took (?P<name>\w+)'s payment but "
                  r"(?:never told us|reports (?P<reported>R[\d.]+) for it)"))
def provider_took_payment(scenario: MoneyBackScenario, name: str,
                          reported: str | None) -> None:
    paylink = scenario.checkouts[name].paylink_id or ""
    scenario.mb.gateway.settle(paylink, GatewayStatus.SUCCESS,
                               reported_amount=rand(reported) if reported else None)


@when("an admin reconciles today and repairs what it finds")
def reconcile_today(scenario: MoneyBackScenario) -> None:
    today = START.date()
    scenario.report = scenario.run(scenario.mb.reconcile(
        ReconcileCommand(ADMIN, today, today, apply=True)))


@then(parsers.parse("the reconciliation found {count:d} payment whose {what} disagrees"))
def reconciliation_found(scenario: MoneyBackScenario, count: int, what: str) -> None:
    assert scenario.report is not None
    assert scenario.report.counts[f"{what}_mismatch"] == count


def _payment_of(scenario: MoneyBackScenario, name: str) -> Payment:
    return scenario.world.payment_row(scenario.checkouts[name].id)


@then(parsers.parse("{name}'s payment is marked as {status}"))
def payment_of_marked(scenario: MoneyBackScenario, name: str, status: str) -> None:
    assert _payment_of(scenario, name).status.value == status


@then(parsers.parse('{name}\'s payment is held for review because of "{reason}"'))
def held_for_review(scenario: MoneyBackScenario, name: str, reason: str) -> None:
    assert _payment_of(scenario, name).review_reason == reason


@then(parsers.re(r"(?P<name>\w+)'s course is (?P<state>unlocked|still locked)"))
def course_of(scenario: MoneyBackScenario, name: str, state: str) -> None:
    enrollment = scenario.world.enrollment_row(_payment_of(scenario, name).enrollment_id)
    expected = EnrollmentStatus.ACTIVE if state == "unlocked" else \
        EnrollmentStatus.PENDING_PAYMENT
    assert enrollment.status is expected
