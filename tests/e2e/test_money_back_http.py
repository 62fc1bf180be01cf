"""Refunds, rollback, gateway mode, history export and reconciliation over HTTP."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from domain.classification import ClassifiedFailure
from domain.gateway_report import GatewayStatus
from tests.support.app_container import container_of

pytestmark = pytest.mark.e2e
KEY = "refund-key-00000001"


def paid(api, student: str = "stu-1", amount: int = 49900) -> dict:
    enrollment = api.enrollment(student_id=student, amount=amount)
    payment = api.checkout(enrollment["id"], sub=student, key=f"checkout-{student}-000001")
    api.gateway.settle(payment.json()["gateway_reference"], GatewayStatus.SUCCESS)
    verified = api.client.post(f"/api/v1/payments/{payment.json()['id']}/verify",
                               headers=api.auth(student))
    assert verified.json()["status"] == "succeeded"
    return verified.json()


def refund(api, payment_id: str, body: dict, key: str | None = KEY, sub: str = "admin-1",
           role: str = "admin"):
    headers = api.auth(sub, role)
    if key is not None:
        headers["Idempotency-Key"] = key
    return api.client.post(f"/api/v1/payments/{payment_id}/refunds", json=body, headers=headers)


def test_a_partial_refund_answers_201_and_replays_with_the_same_key(api):
    payment = paid(api)
    first = refund(api, payment["id"], {"amount": 10000, "reason": "module missing"})
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["amount"] == {"amount": 10000, "currency": "ZAR"}
    assert body["status"] == "succeeded" and body["payment_id"] == payment["id"]
    assert set(body) == {"id", "payment_id", "amount", "reason", "status",
                         "gateway_reference", "created_at", "updated_at"}
    replay = refund(api, payment["id"], {"amount": 10000, "reason": "module missing"})
    assert replay.status_code == 201 and replay.json() == body
    reused = refund(api, payment["id"], {"amount": 5, "reason": "other"})
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    now = api.client.get(f"/api/v1/payments/{payment['id']}", headers=api.auth("stu-1"))
    assert now.json()["refunded_amount"] == {"amount": 10000, "currency": "ZAR"}
    assert now.json()["status"] == "partially_refunded"
    mine = api.client.get(f"/api/v1/refunds/{body['id']}", headers=api.auth("stu-1"))
    assert mine.status_code == 200 and mine.json()["status"] == "succeeded"
    theirs = api.client.get(f"/api/v1/refunds/{body['id']}", headers=api.auth("stu-2"))
    assert theirs.status_code == 404


def test_refund_requests_are_checked(api):
    payment = paid(api)
    assert refund(api, payment["id"], {"reason": "x"}, key=None).json()["code"] == \
        "idempotency_key_missing"
    student = refund(api, payment["id"], {"reason": "x"}, sub="stu-1", role="student")
    assert student.status_code == 403
    over = refund(api, payment["id"], {"amount": 50000, "reason": "too much"})
    assert over.status_code == 422 and over.json()["code"] == "refund_exceeds_captured"
    for bad in ({"amount": "100", "reason": "x"}, {"amount": 1.5, "reason": "x"},
                {"reason": "x", "extra": 1}, {"amount": 100}):
        answer = refund(api, payment["id"], bad, key="refund-key-bad-00001")
        assert answer.status_code == 400, bad
    missing = refund(api, "pay_missing", {"reason": "x"}, key="refund-key-missing-01")
    assert missing.status_code == 404


def test_a_manual_refund_counts_once_confirmed_and_a_full_one_revokes_access(api):
    api.gateway.can_refund = False
    payment = paid(api)
    created = refund(api, payment["id"], {"reason": "course cancelled"}).json()
    assert created["status"] == "manual_action_required"
    assert created["amount"]["amount"] == 49900
    confirm = api.client.post(f"/api/v1/refunds/{created['id']}/confirm",
                              json={"gateway_reference": "IKH-99"}, headers=api.auth("admin-1",
                                                                                     "admin"))
    assert confirm.status_code == 200 and confirm.json()["status"] == "succeeded"
    enrollment = api.client.get(f"/api/v1/enrollments/{payment['enrollment_id']}",
                                headers=api.auth("stu-1")).json()
    assert enrollment["status"] == "revoked"
    blank = api.client.post(f"/api/v1/refunds/{created['id']}/confirm",
                            json={"gateway_reference": ""}, headers=api.auth("admin-1", "admin"))
    assert blank.status_code == 400


def test_a_gateway_failure_on_refund_is_a_classified_problem(api):
    payment = paid(api)
    api.gateway.fail_next("refund", ClassifiedFailure("gateway_server_error"))
    failed = refund(api, payment["id"], {"amount": 100, "reason": "x"})
    assert failed.status_code == 502 and failed.json()["retryable"] is True
    retried = refund(api, payment["id"], {"amount": 100, "reason": "x"})
    assert retried.status_code == 201 and retried.json()["status"] == "succeeded"


def test_an_admin_reverts_an_enrollment(api):
    payment = paid(api)
    path = f"/api/v1/enrollments/{payment['enrollment_id']}/revert"
    assert api.client.post(path, json={"reason": "x"}, headers=api.auth("stu-1")).status_code \
        == 403
    assert api.client.post(path, json={}, headers=api.auth("admin-1", "admin")).status_code \
        == 400
    done = api.client.post(path, json={"reason": "granted by mistake"},
                           headers=api.auth("admin-1", "admin"))
    assert done.status_code == 200 and done.json()["status"] == "revoked"
    assert done.json()["revoked_reason"] == "granted by mistake"
    trail = api.client.get(f"/api/v1/payments/{payment['id']}/audit",
                           headers=api.auth("admin-1", "admin")).json()["items"]
    assert any(e["action"] == "EnrollmentRevoked" and e["reason"] == "granted by mistake"
               for e in trail)


def test_the_gateway_mode_switch(api):
    admin = api.auth("admin-1", "admin")
    assert api.client.get("/api/v1/admin/gateway-mode", headers=admin).json() == {"mode": "test"}
    live = api.client.put("/api/v1/admin/gateway-mode", json={"mode": "live"}, headers=admin)
    assert live.status_code == 200 and live.json() == {"mode": "live"}
    bad = api.client.put("/api/v1/admin/gateway-mode", json={"mode": "x"}, headers=admin)
    assert bad.status_code == 400
    student = api.client.get("/api/v1/admin/gateway-mode", headers=api.auth("stu-1"))
    assert student.status_code == 403


def test_history_exports_as_csv_with_integer_amounts_over_every_page(api):
    for i in range(3):
        paid(api, student=f"stu-{i}", amount=1000 + i)
    answer = api.client.get("/api/v1/payments?limit=1",
                            headers={**api.auth("admin-1", "admin"), "Accept": "text/csv"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(rows) == 3
    assert sorted(r["amount_minor"] for r in rows) == ["1000", "1001", "1002"]
    assert {r["currency"] for r in rows} == {"ZAR"} and rows[0]["refunded_minor"] == "0"
    own = api.client.get("/api/v1/payments", headers={**api.auth("stu-1"), "Accept": "text/csv"})
    assert [r["student_id"] for r in csv.DictReader(io.StringIO(own.text))] == ["stu-1"]


def test_gateway_transactions_pass_through_and_check_the_range(api):
    payment = paid(api)
    admin = api.auth("admin-1", "admin")
    today = datetime.now(UTC).date()
    listed = api.client.get(f"/api/v1/gateway/transactions?from={today}&to={today}",
                            headers=admin)
    assert listed.status_code == 200
    assert listed.json()["items"] == [{"paylink_id": payment["gateway_reference"],
                                       "status": "SUCCESS", "external_transaction_id":
                                       payment["id"], "amount": {"amount": 49900,
                                                                 "currency": "ZAR"}}]
    backwards = api.client.get(f"/api/v1/gateway/transactions?from={today}"
                               f"&to={today - timedelta(days=1)}", headers=admin)
    assert backwards.status_code == 422 and backwards.json()["code"] == "invalid_date_range"
    too_long = api.client.get(f"/api/v1/gateway/transactions?from={today}"
                              f"&to={today + timedelta(days=366)}", headers=admin)
    assert too_long.status_code == 422
    assert api.client.get("/api/v1/gateway/transactions?from=2026-13-01&to=2026-01-01",
                          headers=admin).status_code == 400
    api.gateway.fail_next("history", ClassifiedFailure("gateway_timeout"))
    timeout = api.client.get(f"/api/v1/gateway/transactions?from={today}&to={today}",
                             headers=admin)
    assert timeout.status_code == 504 and timeout.json()["category"] == "network"


def test_reconciliations_are_admin_only_stored_and_listed(api):
    paid(api)
    admin = api.auth("admin-1", "admin")
    today = datetime.now(UTC).date().isoformat()
    made = api.client.post("/api/v1/reconciliations", json={"from": today, "to": today},
                           headers=admin)
    assert made.status_code == 201 and made.json()["counts"]["matched"] == 1
    assert made.json()["applied"] is False
    one = api.client.get(f"/api/v1/reconciliations/{made.json()['id']}", headers=admin)
    assert one.json() == made.json()
    listed = api.client.get("/api/v1/reconciliations", headers=admin).json()
    assert [r["id"] for r in listed["items"]] == [made.json()["id"]]
    assert listed["next_cursor"] is None
    assert api.client.post("/api/v1/reconciliations", json={"from": today, "to": today},
                           headers=api.auth("stu-1")).status_code == 403
    assert api.client.post("/api/v1/reconciliations", json={"from": today},
                           headers=admin).status_code == 400
    assert api.client.get("/api/v1/reconciliations/rec_missing",
                          headers=admin).status_code == 404


def test_a_retry_while_the_first_request_holds_the_key_answers_with_the_refund_state(api):
    """A refund request cut off mid-way (kill -9) leaves its key held and its refund
    pending; the client's retry is told the refund's state at once, not 'try later'."""
    import asyncio

    from application.actor import Actor, Role
    from application.use_cases.request_refund import RequestRefundCommand
    from entrypoints.http.idempotent import fingerprint
    from entrypoints.http.money_back_schemas import CreateRefundBody

    class Killed(BaseException):
        pass

    payment = paid(api)
    container = container_of(api.client.app)
    command = RequestRefundCommand(Actor("admin-1", Role.ADMIN), payment["id"], "cut off",
                                   5000, KEY)
    api.gateway.fail_next("refund", Killed())
    scope = f"admin-1:POST /api/v1/payments/{payment['id']}/refunds"
    held = fingerprint(CreateRefundBody(reason="cut off", amount=5000))
    with pytest.raises(Killed):  # the use-case, as the cut-off request ran it
        asyncio.run(container.request_refund()(command))
    asyncio.run(container.idempotency_store().claim(scope, KEY, held, datetime.now(UTC), 120))

    retried = refund(api, payment["id"], {"amount": 5000, "reason": "cut off"})
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "pending"
    assert retried.json()["amount"] == {"amount": 5000, "currency": "ZAR"}
    other = refund(api, payment["id"], {"amount": 5000, "reason": "another"})
    assert other.status_code == 422  # same key, another body: still refused
