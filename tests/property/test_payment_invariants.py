"""Property tests: arbitrary sequences of gateway results (duplicated, reordered,
contradictory), refunds and reverts never break the money invariants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import events as ev
from domain.enrollment import ActivationRefused, Enrollment
from domain.errors import DomainError
from domain.gateway_report import GatewayReport, GatewayStatus
from domain.money import Money
from domain.payment import CAPTURED, CLOSED_UNPAID, Payment, PaymentStatus

pytestmark = [pytest.mark.property, pytest.mark.unit]
T0 = datetime(2026, 11, 1, tzinfo=UTC)
PRICE = 10000

statuses = st.sampled_from(list(GatewayStatus))
amounts = st.one_of(st.none(), st.just(Money(PRICE, "ZAR")), st.just(Money(PRICE - 1, "ZAR")),
                    st.just(Money(PRICE, "USD")))
gateway_op = st.tuples(st.just("report"), st.integers(0, 1), statuses, amounts)
refund_op = st.tuples(st.sampled_from(["reserve", "complete", "release"]), st.integers(0, 1),
                      st.integers(1, PRICE + 500), st.sampled_from(["ZAR", "USD"]))
revert_op = st.tuples(st.just("revert"), st.integers(0, 1), st.just(0), st.just(""))
operations = st.lists(st.one_of(gateway_op, gateway_op, refund_op, revert_op), max_size=40)


def _world() -> tuple[Enrollment, list[Payment], list[list[int]]]:
    enrollment = Enrollment.create(enrollment_id="enr", student_id="s", course_id="c",
                                   price=Money(PRICE, "ZAR"), at=T0, actor="svc")
    payments = []
    for i in range(2):  # two checkouts for one enrollment: both may be paid at the gateway
        p = Payment.create(payment_id=f"pay{i}", enrollment_id="enr", student_id="s",
                           amount=Money(PRICE, "ZAR"), at=T0, actor="stu")
        p.attach_paylink(paylink_id=f"pl{i}", checkout_url="u", expires_at=T0 + timedelta(1),
                         at=T0, actor="stu")
        payments.append(p)
    return enrollment, payments, [[], []]


def _apply(op, enrollment: Enrollment, payments: list[Payment], reserved: list[list[int]]):
    kind, i, a, b = op
    p = payments[i]
    if kind == "report":
        report = GatewayReport(paylink_id=f"pl{i}", status=a, external_transaction_id=f"pay{i}",
                               amount=b)
        before = p.status
        p.apply_gateway_report(report, at=T0, actor="gw")
        if before is PaymentStatus.PENDING and p.status is PaymentStatus.SUCCEEDED:
            try:
                enrollment.activate(payment_id=p.id, at=T0, actor="gw")
            except ActivationRefused:
                p.flag_for_review("enrollment_taken", at=T0)
    elif kind == "reserve":
        try:
            p.reserve_refund(Money(a, b))
            reserved[i].append(a)
        except DomainError:
            pass
    elif kind in ("complete", "release") and reserved[i]:
        amount = Money(reserved[i].pop(0), "ZAR")
        if kind == "complete":
            p.complete_refund(amount, at=T0, actor="admin")
        else:
            p.release_refund(amount)
    elif kind == "revert":
        try:
            enrollment.revoke(reason="admin revert", at=T0, actor="admin")
        except DomainError:
            pass


@settings(max_examples=300, deadline=None)
@given(operations)
def test_refunded_never_exceeds_captured_and_currencies_never_mix(ops):
    enrollment, payments, reserved = _world()
    for op in ops:
        _apply(op, enrollment, payments, reserved)
        for p in payments:
            assert 0 <= p.refunded_minor + p.reserved_minor <= p.amount.amount_minor
            assert p.refunded.currency == p.amount.currency == "ZAR"
            if p.refunded_minor:
                assert p.status in CAPTURED


@settings(max_examples=300, deadline=None)
@given(operations)
def test_at_most_one_activation_per_enrollment_and_payment(ops):
    enrollment, payments, reserved = _world()
    for op in ops:
        _apply(op, enrollment, payments, reserved)
    activations = [e for e in enrollment.events if isinstance(e, ev.EnrollmentActivated)]
    assert len(activations) <= 1
    for p in payments:
        succeeded = [e for e in p.events if isinstance(e, ev.PaymentSucceeded)]
        assert len(succeeded) <= 1


@settings(max_examples=300, deadline=None)
@given(operations)
def test_no_exit_from_a_terminal_state_except_through_refunds(ops):
    enrollment, payments, reserved = _world()
    history: list[list[PaymentStatus]] = [[p.status] for p in payments]
    for op in ops:
        _apply(op, enrollment, payments, reserved)
        for i, p in enumerate(payments):
            history[i].append(p.status)
    allowed_after_capture = CAPTURED
    for trail in history:
        for before, after in pairwise(trail):
            if before in CLOSED_UNPAID:
                assert after is before
            if before in CAPTURED:
                assert after in allowed_after_capture
            if before is PaymentStatus.REFUNDED:
                assert after is PaymentStatus.REFUNDED


@settings(max_examples=300, deadline=None)
@given(operations)
def test_a_payment_is_activated_only_when_the_gateway_confirmed_our_amount(ops):
    enrollment, payments, reserved = _world()
    for op in ops:
        _apply(op, enrollment, payments, reserved)
    if enrollment.payment_id is not None:
        paid = next(p for p in payments if p.id == enrollment.payment_id)
        assert any(isinstance(e, ev.PaymentSucceeded) for e in paid.events)
        assert paid.review_reason is None or paid.status in CAPTURED
