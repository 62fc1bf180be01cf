import pytest

pytestmark = pytest.mark.e2e


def test_a_student_pays_and_the_course_unlocks(api):
    enrollment = api.enrollment()
    r = api.checkout(enrollment["id"])
    assert r.status_code == 201, r.text
    payment = r.json()
    assert payment["status"] == "pending"
    assert payment["amount"] == {"amount": 49900, "currency": "ZAR"}
    assert payment["checkout_url"] and payment["expires_at"]
    from domain.gateway_report import GatewayStatus
    api.gateway.settle(payment["gateway_reference"], GatewayStatus.SUCCESS)
    body, headers = api.gateway.signed_callback(payment["gateway_reference"])
    r = api.client.post("/webhooks/ikhokha", content=body, headers=headers)
    assert r.status_code == 200 and r.json() == {"received": True, "duplicate": False}
    r = api.client.get(f"/api/v1/enrollments/{enrollment['id']}", headers=api.auth("stu-1"))
    assert r.json()["status"] == "active"
    r = api.client.get(f"/api/v1/payments/{payment['id']}", headers=api.auth("stu-1"))
    assert r.json()["status"] == "succeeded"


def test_same_key_and_body_replays_the_first_response(api):
    enrollment = api.enrollment()
    first = api.checkout(enrollment["id"])
    second = api.checkout(enrollment["id"])
    assert second.status_code == first.status_code == 201
    assert second.content == first.content
    assert len(api.gateway.paylinks) == 1


def test_same_key_with_a_different_body_is_422(api):
    a, b = api.enrollment(), api.enrollment()
    api.checkout(a["id"])
    r = api.checkout(b["id"])
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "idempotency_key_reused"


def test_a_missing_or_malformed_key_is_400(api):
    enrollment = api.enrollment()
    r = api.client.post("/api/v1/payments", json={"enrollment_id": enrollment["id"]},
                        headers=api.auth("stu-1"))
    assert r.status_code == 400 and r.json()["code"] == "idempotency_key_missing"
    r = api.checkout(enrollment["id"], key="short")
    assert r.status_code == 400 and r.json()["code"] == "idempotency_key_invalid"


def test_keys_are_scoped_to_the_caller(api):
    mine, theirs = api.enrollment("stu-1"), api.enrollment("stu-2")
    assert api.checkout(mine["id"], "stu-1", "shared-key-00000001").status_code == 201
    assert api.checkout(theirs["id"], "stu-2", "shared-key-00000001").status_code == 201


def test_another_students_payment_is_404(api):
    enrollment = api.enrollment("stu-1")
    payment = api.checkout(enrollment["id"]).json()
    for path in (f"/api/v1/payments/{payment['id']}", f"/api/v1/enrollments/{enrollment['id']}"):
        r = api.client.get(path, headers=api.auth("stu-2"))
        assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = api.client.post(f"/api/v1/payments/{payment['id']}/verify", headers=api.auth("stu-2"))
    assert r.status_code == 404
    r = api.client.get(f"/api/v1/payments/{payment['id']}", headers=api.auth("boss", "admin"))
    assert r.status_code == 200


def test_students_cannot_create_enrollments(api):
    r = api.client.post("/api/v1/enrollments", headers=api.auth("stu-1"),
                        json={"student_id": "stu-1", "course_id": "c",
                              "price": {"amount": 1, "currency": "ZAR"}})
    assert r.status_code == 403 and r.json()["category"] == "validation"


@pytest.mark.parametrize("body", [b"{not json", b"", b"[1,2", b"\xff\xfe"])
def test_malformed_json_is_a_400_problem(api, body):
    r = api.client.post("/api/v1/payments", content=body,
                        headers={**api.auth("stu-1"), "Idempotency-Key": "k" * 20,
                                 "Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert set(problem) >= {"type", "title", "status", "detail", "code", "category",
                            "retryable", "user_message"}
    assert "Traceback" not in r.text


@pytest.mark.parametrize("body", [
    {"enrollment_id": 7},
    {"enrollment_id": "e", "amount": {"amount": 1, "currency": "ZAR"}},
    {},
])
def test_wrong_types_and_unknown_fields_are_400(api, body):
    r = api.client.post("/api/v1/payments", json=body,
                        headers={**api.auth("stu-1"), "Idempotency-Key": "k" * 20})
    assert r.status_code == 400 and r.json()["code"] == "invalid_request"


@pytest.mark.parametrize("price", [
    {"amount": 499.0, "currency": "ZAR"}, {"amount": -5, "currency": "ZAR"},
    {"amount": 0, "currency": "ZAR"}, {"amount": "100", "currency": "ZAR"},
    {"amount": True, "currency": "ZAR"},
])
def test_prices_must_be_positive_whole_minor_units(api, price):
    r = api.client.post("/api/v1/enrollments", headers=api.auth("platform", "service"),
                        json={"student_id": "s", "course_id": "c", "price": price})
    assert r.status_code == 400


def test_other_currencies_are_refused(api):
    r = api.client.post("/api/v1/enrollments", headers=api.auth("platform", "service"),
                        json={"student_id": "s", "course_id": "c",
                              "price": {"amount": 100, "currency": "USD"}})
    assert r.status_code == 422 and r.json()["code"] == "unsupported_currency"


def test_gateway_timeout_is_a_retryable_504_and_the_retry_succeeds(api):
    enrollment = api.enrollment()
    api.gateway.fail_next("create_paylink", TimeoutError())
    r = api.checkout(enrollment["id"])
    assert r.status_code == 504
    problem = r.json()
    assert problem["category"] == "network" and problem["retryable"] is True
    r = api.checkout(enrollment["id"])
    assert r.status_code == 201 and r.json()["status"] == "pending"
    assert len(api.gateway.paylinks) == 1


def test_requests_without_a_valid_token_are_401(api):
    assert api.client.get("/api/v1/payments").status_code == 401
    r = api.client.get("/api/v1/payments", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"


def test_history_is_keyset_paginated_and_students_see_only_their_own(api):
    for i in range(5):
        api.checkout(api.enrollment("stu-1")["id"], key=f"history-key-{i:08d}")
    api.checkout(api.enrollment("stu-2")["id"], sub="stu-2")
    seen, cursor = [], None
    while True:
        url = "/api/v1/payments?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.client.get(url, headers=api.auth("stu-1")).json()
        seen += [p["id"] for p in page["items"]]
        assert all(p["student_id"] == "stu-1" for p in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5
    everyone = api.client.get("/api/v1/payments?limit=100", headers=api.auth("a", "admin"))
    assert len(everyone.json()["items"]) == 6
    r = api.client.get("/api/v1/payments?limit=101", headers=api.auth("a", "admin"))
    assert r.status_code == 400
    r = api.client.get("/api/v1/payments?cursor=garbage!", headers=api.auth("a", "admin"))
    assert r.status_code == 400


def test_bad_callback_signature_is_401_and_oversized_is_413(api):
    r = api.client.post("/webhooks/ikhokha", content=b'{"paylinkID":"x","status":"SUCCESS"}',
                        headers={"ik-sign": "bad"})
    assert r.status_code == 401 and r.json()["code"] == "invalid_signature"
    r = api.client.post("/webhooks/ikhokha", content=b"x" * (64 * 1024 + 1))
    assert r.status_code == 413


def test_the_callback_route_takes_only_post(api):
    r = api.client.get("/webhooks/ikhokha")
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"
    assert r.headers["Allow"] == "POST"
    assert r.headers["X-Request-ID"] and r.headers["X-Content-Type-Options"] == "nosniff"


def test_health_and_openapi(api):
    assert api.client.get("/health/live").json() == {"status": "ok"}
    spec = api.client.get("/schema/openapi.json").json()
    for path in ("/api/v1/payments", "/api/v1/payments/{payment_id}",
                 "/api/v1/payments/{payment_id}/verify", "/api/v1/enrollments",
                 "/api/v1/enrollments/{enrollment_id}", "/webhooks/ikhokha", "/health/live"):
        assert path in spec["paths"], path


def test_the_audit_trail_is_for_admins_and_lists_every_change(api):
    from domain.gateway_report import GatewayStatus
    enrollment = api.enrollment()
    payment = api.checkout(enrollment["id"]).json()
    api.gateway.settle(payment["gateway_reference"], GatewayStatus.SUCCESS)
    api.client.post(f"/api/v1/payments/{payment['id']}/verify", headers=api.auth("stu-1"))
    assert api.client.get(f"/api/v1/payments/{payment['id']}/audit",
                          headers=api.auth("stu-1")).status_code == 403
    r = api.client.get(f"/api/v1/payments/{payment['id']}/audit", headers=api.auth("a", "admin"))
    trail = [(e["entity"], e["from_status"], e["to_status"]) for e in r.json()["items"]]
    assert trail == [("enrollment", None, "pending_payment"), ("payment", None, "created"),
                     ("payment", "created", "pending"), ("payment", "pending", "succeeded"),
                     ("enrollment", "pending_payment", "active")]
    assert set(r.json()["items"][0]) == {"at", "actor", "entity", "entity_id", "action",
                                         "from_status", "to_status", "reason"}


def test_sandbox_pages_exist_only_in_the_sandbox(api):
    assert api.client.get("/sandbox").status_code == 404
    page = api.client.get("/checkout/pay_x/success")
    assert page.status_code == 200 and "confirming your payment" in page.text
