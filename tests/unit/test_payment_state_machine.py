from datetime import UTC, datetime, timedelta

import pytest

from domain import events as ev
from domain.errors import IllegalTransition, NotRefundable, RefundExceedsCapture
from domain.gateway_report import GatewayReport, GatewayStatus
from domain.money import Money
from domain.payment import ApplyOutcome, Payment, PaymentStatus

pytestmark = pytest.mark.unit
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def pending(amount: int = 10000) -> Payment:
    p = Payment.create(payment_id="pay_1", enrollment_id="enr_1", student_id="stu",
                       amount=Money(amount, "ZAR"), at=T0, actor="student:stu")
    p.attach_paylink(paylink_id="pl1", checkout_url="https://x/pl1",
                     expires_at=T0 + timedelta(days=1), at=T0, actor="student:stu")
    return p


def report(status: GatewayStatus, **kw) -> GatewayReport:
    """What the gateway says; a SUCCESS carries the amount charged (10000 unless said)."""
    if status is GatewayStatus.SUCCESS:
        kw.setdefault("amount", Money(10000, "ZAR"))
    return GatewayReport(paylink_id=kw.pop("paylink_id", "pl1"), status=status,
                         external_transaction_id=kw.pop("ext", "pay_1"), **kw)


def succeeded(amount: int = 10000) -> Payment:
    p = pending(amount)
    p.apply_gateway_report(report(GatewayStatus.SUCCESS, amount=Money(amount, "ZAR")), at=T0,
                           actor="gw")
    return p


def test_success_moves_pending_to_succeeded_and_records_the_event():
    p = pending()
    assert p.apply_gateway_report(report(GatewayStatus.SUCCESS), at=T0, actor="gw") \
        is ApplyOutcome.CHANGED
    assert p.status is PaymentStatus.SUCCEEDED
    assert isinstance(p.events[-1], ev.PaymentSucceeded)


def test_a_repeated_success_is_a_no_op():
    p = succeeded()
    count = len(p.events)
    assert p.apply_gateway_report(report(GatewayStatus.SUCCESS), at=T0, actor="gw") \
        is ApplyOutcome.UNCHANGED
    assert len(p.events) == count


def test_failure_after_success_is_an_anomaly_not_applied():
    p = succeeded()
    outcome = p.apply_gateway_report(report(GatewayStatus.FAILURE), at=T0, actor="gw")
    assert outcome is ApplyOutcome.ANOMALY
    assert p.status is PaymentStatus.SUCCEEDED
    assert isinstance(p.events[-1], ev.PaymentAnomalyDetected)


def test_success_after_failure_is_held_for_an_admin():
    p = pending()
    p.apply_gateway_report(report(GatewayStatus.FAILURE), at=T0, actor="gw")
    assert p.apply_gateway_report(report(GatewayStatus.SUCCESS), at=T0, actor="gw") \
        is ApplyOutcome.ANOMALY
    assert p.status is PaymentStatus.FAILED
    assert p.review_reason == "paid_after_failed"


@pytest.mark.parametrize("field,value,reason", [
    ("amount", Money(9999, "ZAR"), "amount_mismatch"),
    ("amount", Money(10000, "USD"), "currency_mismatch"),
    ("ext", "pay_other", "transaction_id_mismatch"),
    ("paylink_id", "pl-other", "paylink_mismatch"),
])
def test_facts_that_disagree_flag_the_payment_and_fulfil_nothing(field, value, reason):
    p = pending()
    outcome = p.apply_gateway_report(report(GatewayStatus.SUCCESS, **{field: value}),
                                     at=T0, actor="gw")
    assert outcome is ApplyOutcome.FLAGGED
    assert p.status is PaymentStatus.PENDING
    assert p.review_reason == reason
    assert p.apply_gateway_report(report(GatewayStatus.SUCCESS), at=T0, actor="gw") \
        is ApplyOutcome.HELD_FOR_REVIEW


@pytest.mark.parametrize("status,expected", [
    (GatewayStatus.FAILURE, PaymentStatus.FAILED),
    (GatewayStatus.CANCELLED, PaymentStatus.CANCELLED),
    (GatewayStatus.EXPIRED, PaymentStatus.EXPIRED),
])
def test_unpaid_outcomes_close_a_pending_payment(status, expected):
    p = pending()
    p.apply_gateway_report(report(status), at=T0, actor="gw")
    assert p.status is expected


def test_pending_report_changes_nothing():
    p = pending()
    assert p.apply_gateway_report(report(GatewayStatus.PENDING), at=T0, actor="gw") \
        is ApplyOutcome.UNCHANGED


def test_refunds_reserve_then_complete_and_never_exceed_the_capture():
    p = succeeded(10000)
    p.reserve_refund(Money(6000, "ZAR"))
    with pytest.raises(RefundExceedsCapture):
        p.reserve_refund(Money(4001, "ZAR"))
    p.complete_refund(Money(6000, "ZAR"), at=T0, actor="admin")
    assert p.status is PaymentStatus.PARTIALLY_REFUNDED
    p.reserve_refund(Money(4000, "ZAR"))
    p.complete_refund(Money(4000, "ZAR"), at=T0, actor="admin")
    assert p.status is PaymentStatus.REFUNDED
    assert p.refundable == Money(0, "ZAR")


def test_released_refund_is_refundable_again():
    p = succeeded(10000)
    p.reserve_refund(Money(10000, "ZAR"))
    p.release_refund(Money(10000, "ZAR"))
    assert p.refundable == Money(10000, "ZAR")


def test_unpaid_payment_cannot_be_refunded():
    with pytest.raises(NotRefundable):
        pending().reserve_refund(Money(1, "ZAR"))


def test_paylink_cannot_be_attached_twice_with_another_id():
    p = pending()
    p.attach_paylink(paylink_id="pl1", checkout_url="u", expires_at=T0, at=T0, actor="a")
    with pytest.raises(IllegalTransition):
        p.attach_paylink(paylink_id="pl2", checkout_url="u", expires_at=T0, at=T0, actor="a")


def test_expire_closes_an_open_payment_once():
    p = pending()
    assert p.expire(at=T0, actor="checker") is True
    assert p.expire(at=T0, actor="checker") is False
    with pytest.raises(IllegalTransition):
        succeeded().expire(at=T0, actor="checker")


def test_a_success_without_amount_after_we_closed_the_payment_goes_to_a_person():
    p = pending()
    p.expire(at=T0, actor="checker")
    outcome = p.apply_gateway_report(report(GatewayStatus.SUCCESS, amount=None), at=T0,
                                     actor="gw")
    assert outcome is ApplyOutcome.ANOMALY
    assert p.status is PaymentStatus.EXPIRED and p.review_reason == "paid_after_expired"
    assert p.captured_minor == 0 and p.recheck_at is None  # the amount is not known


def test_a_success_without_amount_is_rechecked_then_held():
    p = pending()
    outcomes = [p.apply_gateway_report(report(GatewayStatus.SUCCESS, amount=None),
                                       at=T0 + timedelta(seconds=n), actor="gw")
                for n in range(4)]
    assert outcomes == [ApplyOutcome.UNCONFIRMED] * 3 + [ApplyOutcome.FLAGGED]
    assert p.status is PaymentStatus.PENDING and p.review_reason == "amount_unconfirmed"
