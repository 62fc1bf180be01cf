"""One purchase per course and held payments, as the platform and an admin see them."""

import pytest

from domain.gateway_report import GatewayStatus
from domain.money import Money

pytestmark = pytest.mark.e2e


def _enroll(api, student="stu-1", course="python-101"):
    return api.client.post("/api/v1/enrollments", headers=api.auth("platform", "service"),
                           json={"student_id": student, "course_id": course,
                                 "price": {"amount": 49900, "currency": "ZAR"}})


def _pay(api, payment, **settle):
    api.gateway.settle(payment["gateway_reference"], GatewayStatus.SUCCESS, **settle)
    body, headers = api.gateway.signed_callback(payment["gateway_reference"])
    assert api.client.post("/webhooks/ikhokha", content=body, headers=headers).status_code == 200


def test_a_second_enrollment_for_a_course_is_refused_with_the_existing_id(api):
    first = _enroll(api)
    assert first.status_code == 201
    again = _enroll(api)
    assert again.status_code == 409
    problem = again.json()
    assert problem["code"] == "already_enrolled"
    assert problem["enrollment_id"] == first.json()["id"]
    assert problem["user_message"] and "already" in problem["user_message"]


def test_an_owned_course_cannot_be_bought_again_until_it_is_refunded(api):
    enrollment = _enroll(api).json()
    payment = api.checkout(enrollment["id"]).json()
    _pay(api, payment)
    owned = _enroll(api)
    assert owned.status_code == 409 and owned.json()["enrollment_id"] == enrollment["id"]
    refund = api.client.post(f"/api/v1/payments/{payment['id']}/refunds",
                             json={"reason": "student asked"},
                             headers={**api.auth("admin-1", "admin"),
                                      "Idempotency-Key": "refund-key-00000001"})
    assert refund.status_code == 201, refund.text
    assert _enroll(api).status_code == 201  # revoked by the full refund: may buy again


def test_a_second_buy_returns_the_open_checkout(api):
    enrollment = _enroll(api).json()
    first = api.checkout(enrollment["id"], key="double-click-000001")
    second = api.checkout(enrollment["id"], key="double-click-000002")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["checkout_url"] == first.json()["checkout_url"]
    assert len(api.gateway.paylinks) == 1


def test_an_admin_resolves_a_held_payment_and_the_trail_says_who_and_why(api):
    enrollment = _enroll(api).json()
    payment = api.checkout(enrollment["id"]).json()
    _pay(api, payment, reported_amount=Money(49800, "ZAR"))
    held = api.client.get(f"/api/v1/payments/{payment['id']}", headers=api.auth("stu-1")).json()
    assert held["review_reason"] == "amount_mismatch" and held["status"] == "pending"
    assert held["captured_amount"] == {"amount": 49800, "currency": "ZAR"}
    blocked = api.checkout(enrollment["id"], key="another-buy-0000001")
    assert blocked.status_code == 409 and blocked.json()["code"] == "payment_under_review"

    url = f"/api/v1/payments/{payment['id']}/review"
    student = api.client.post(url, json={"action": "accept", "reason": "mine"},
                              headers=api.auth("stu-1"))
    assert student.status_code == 403
    no_reason = api.client.post(url, json={"action": "accept", "reason": ""},
                                headers=api.auth("admin-1", "admin"))
    assert no_reason.status_code == 400
    done = api.client.post(url, json={"action": "accept", "reason": "R1 bank fee, agreed"},
                           headers=api.auth("admin-1", "admin"))
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "succeeded" and done.json()["review_reason"] is None
    trail = api.client.get(f"/api/v1/payments/{payment['id']}/audit",
                           headers=api.auth("admin-1", "admin")).json()["items"]
    accepted = [e for e in trail if e["action"] == "review_accepted"]
    assert accepted and accepted[0]["actor"] == "admin:admin-1"
    assert "R1 bank fee, agreed" in accepted[0]["reason"]
    enrolled = api.client.get(f"/api/v1/enrollments/{enrollment['id']}",
                              headers=api.auth("stu-1")).json()
    assert enrolled["status"] == "active"
    again = api.client.post(url, json={"action": "accept", "reason": "twice"},
                            headers=api.auth("admin-1", "admin"))
    assert again.status_code == 409


def test_money_paid_after_the_payment_failed_can_be_refunded_by_an_admin(api):
    enrollment = _enroll(api).json()
    payment = api.checkout(enrollment["id"]).json()
    api.gateway.settle(payment["gateway_reference"], GatewayStatus.FAILURE)
    body, headers = api.gateway.signed_callback(payment["gateway_reference"])
    api.client.post("/webhooks/ikhokha", content=body, headers=headers)
    api.client.settle()  # the failure is confirmed (after the 200) before money comes in
    _pay(api, payment)
    late = api.client.get(f"/api/v1/payments/{payment['id']}", headers=api.auth("stu-1")).json()
    assert late["status"] == "failed" and late["review_reason"] == "paid_after_failed"
    assert api.checkout(enrollment["id"], key="new-paylink-000001").status_code == 409
    refund = api.client.post(f"/api/v1/payments/{payment['id']}/refunds",
                             json={"reason": "paid after it failed"},
                             headers={**api.auth("admin-1", "admin"),
                                      "Idempotency-Key": "late-refund-000001"})
    assert refund.status_code == 201, refund.text
    assert refund.json()["amount"] == {"amount": 49900, "currency": "ZAR"}
