"""Steps for features/monitoring.feature: statistics and the review list, on fakes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from adapters.memory.monitoring import MemoryMonitoringQueries
from application.use_cases.review_queue import PaymentsNeedingReview
from application.use_cases.stats import GetStats
from domain.gateway_report import GatewayStatus
from domain.money import Money
from tests.bdd.conftest import Scenario
from tests.support.world import ADMIN, student

_OUTCOMES = {" paid for their courses": GatewayStatus.SUCCESS,
             "'s bank declined the card": GatewayStatus.FAILURE,
             " has not finished paying yet": None,
             "'s payment came back with a different amount": GatewayStatus.SUCCESS}


@dataclass
class Watch:
    """What the operator scenarios remember between steps."""

    students: int = 0
    held: list[str] = field(default_factory=list)
    stats: Any = None
    review: Any = None


@pytest.fixture
def watch() -> Watch:
    return Watch()


def _checkouts(scenario: Scenario, watch: Watch, count: int, what: str) -> None:
    world = scenario.world
    for _ in range(count):
        watch.students += 1
        name = f"stu-{watch.students}"
        enrollment = scenario.run(world.enrollment(student_id=name))
        payment = scenario.run(world.checkout(enrollment, key=f"watch-key-{watch.students:08d}"))
        outcome = _OUTCOMES[what]
        if outcome is None:
            continue
        odd = "different amount" in what
        world.gateway.settle(payment.paylink_id or "", outcome,
                             reported_amount=Money(1, "ZAR") if odd else None,
                             failure_code="payment_declined"
                             if outcome is GatewayStatus.FAILURE else None)
        scenario.run(world.verify_payment(student(name), payment.id))
        if odd:
            watch.held.append(payment.id)


@given(parsers.re(r"(?P<count>\d+) students?(?P<what> paid for their courses|'s bank declined "
                  r"the card| has not finished paying yet|'s payment came back with a "
                  r"different amount)"))
def checkouts(scenario: Scenario, watch: Watch, count: str, what: str) -> None:
    _checkouts(scenario, watch, int(count), what)


@when("an operator looks at the payment statistics for the last day")
def look_at_stats(scenario: Scenario, watch: Watch) -> None:
    queries = MemoryMonitoringQueries(scenario.world.store)
    watch.stats = scenario.run(
        GetStats(queries, scenario.world.clock)(ADMIN, timedelta(days=1)))


@when("an operator looks at the payments needing review")
def look_at_review(scenario: Scenario, watch: Watch) -> None:
    queries = MemoryMonitoringQueries(scenario.world.store)
    watch.review = scenario.run(PaymentsNeedingReview(queries)(ADMIN))


@then(parsers.parse("the success rate is {percent:d}%"))
def success_rate(watch: Watch, percent: int) -> None:
    assert round(100 * (watch.stats.success_rate or 0)) == percent


@then(parsers.parse("{count:d} payments are counted"))
def payments_counted(watch: Watch, count: int) -> None:
    assert watch.stats.payments == count


@then(parsers.parse('{count:d} decline is counted under "{code}"'))
def declines_counted(watch: Watch, count: int, code: str) -> None:
    stats = watch.stats
    assert stats.errors_by_code.get(code) == count
    assert stats.errors_by_category.get("payment_declined") == count


@then(parsers.parse('exactly that payment is listed with the reason "{reason}"'))
def listed_for_review(watch: Watch, reason: str) -> None:
    assert [p.id for p in watch.review] == watch.held
    assert [p.review_reason for p in watch.review] == [reason]
