from datetime import UTC, datetime

import pytest

from domain.enrollment import ActivationRefused, Enrollment, EnrollmentStatus
from domain.errors import IllegalTransition, InvalidMoney
from domain.money import Money
from domain.refund import Refund, RefundStatus

pytestmark = pytest.mark.unit
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def enrollment() -> Enrollment:
    return Enrollment.create(enrollment_id="enr_1", student_id="stu", course_id="c",
                             price=Money(100, "ZAR"), at=T0, actor="service:p")


def test_activation_happens_once_per_payment():
    e = enrollment()
    assert e.activate(payment_id="pay_1", at=T0, actor="gw") is True
    assert e.activate(payment_id="pay_1", at=T0, actor="gw") is False
    with pytest.raises(ActivationRefused):
        e.activate(payment_id="pay_2", at=T0, actor="gw")
    assert e.status is EnrollmentStatus.ACTIVE and e.payment_id == "pay_1"


def test_revoke_needs_a_reason_and_an_active_enrollment():
    e = enrollment()
    with pytest.raises(IllegalTransition):
        e.revoke(reason="x", at=T0, actor="admin")
    e.activate(payment_id="pay_1", at=T0, actor="gw")
    with pytest.raises(IllegalTransition):
        e.revoke(reason=" ", at=T0, actor="admin")
    assert e.revoke(reason="refunded", at=T0, actor="admin") is True
    with pytest.raises(ActivationRefused):
        e.activate(payment_id="pay_1", at=T0, actor="gw")


def test_free_courses_do_not_go_through_checkout():
    with pytest.raises(InvalidMoney):
        Enrollment.create(enrollment_id="e", student_id="s", course_id="c",
                          price=Money(0, "ZAR"), at=T0, actor="a")


def test_manual_refund_counts_only_once_confirmed():
    r = Refund.request(refund_id="r1", payment_id="p", student_id="s", amount=Money(50, "ZAR"),
                       reason="duplicate purchase", at=T0, actor="admin")
    r.require_manual_action(at=T0, actor="gateway")
    assert r.in_flight and r.status is RefundStatus.MANUAL_ACTION_REQUIRED
    with pytest.raises(IllegalTransition):
        r.succeed(gateway_reference=" ", at=T0, actor="admin")
    assert r.succeed(gateway_reference="IKR-1", at=T0, actor="admin") is True
    assert r.succeed(gateway_reference="IKR-1", at=T0, actor="admin") is False
    with pytest.raises(IllegalTransition):
        r.fail(reason="x", at=T0, actor="admin")
