"""HTTP hardening of issue 7: card data, body limits, HTTPS, headers, hosts, CORS,
request ids, rate limits, open-checkout cap, payment event log."""

import logging

import pytest

from domain.gateway_report import GatewayStatus
from tests.support.app_container import container_of
from tests.support.secure_api import secure_api

pytestmark = pytest.mark.e2e
CARD = "4111 1111 1111 1111"


@pytest.fixture(scope="module")
def api():
    with secure_api() as api:
        yield api


@pytest.mark.parametrize("body", [
    {"enrollment_id": "enr_1", "card_number": "4111111111111111"},
    {"enrollment_id": "enr_1", "payer": {"details": [{"CVV": "123"}]}},
    {"enrollment_id": "enr_1", "Pan": "x"},
    {"enrollment_id": f"my card is {CARD}"},
])
def test_card_data_is_refused_before_anything_else_and_logged_without_it(api, body, caplog):
    with caplog.at_level(logging.WARNING, logger="skillpay.security"):
        r = api.client.post("/api/v1/payments", json=body)  # no token: refused first anyway
    assert r.status_code == 400 and r.json()["code"] == "card_data_refused"
    lines = [rec.getMessage() for rec in caplog.records]
    assert any("card data refused" in line for line in lines)
    assert not any("4111" in line or "123" in line.split(" at ")[-1] for line in lines)


def test_card_data_in_a_form_is_refused(api):
    r = api.client.post("/admin/login", data={"token": "x", "CVC": "123"})
    assert r.status_code == 400 and r.json()["code"] == "card_data_refused"


def test_card_data_is_refused_on_the_webhook_too(api):
    r = api.client.post("/webhooks/ikhokha", content=b'{"paylinkID":"p","pan":"4111111111111111"}')
    assert r.status_code == 400 and r.json()["code"] == "card_data_refused"


def test_ordinary_digits_are_not_card_data(api):
    r = api.client.post("/api/v1/enrollments", headers=api.auth("platform", "service"),
                        json={"student_id": "4111111111111112", "course_id": "c",
                              "price": {"amount": 411111, "currency": "ZAR"}})
    assert r.status_code == 201, r.text


def test_bodies_over_the_limits_are_413_problems(api):
    big = b'{"x":"' + b"a" * (1024 * 1024) + b'"}'
    r = api.client.post("/api/v1/enrollments", content=big,
                        headers={**api.auth("platform", "service"),
                                 "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
    hook = b'{"x":"' + b"a" * (64 * 1024) + b'"}'
    r = api.client.post("/webhooks/ikhokha", content=hook)
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
    assert r.headers["content-type"].startswith("application/problem+json")


def test_security_headers_and_no_store_on_api_answers(api):
    r = api.client.get("/api/v1/payments", headers=api.auth("stu-1"))
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert r.headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in r.headers  # HTTPS not required in this app
    page = api.client.get("/checkout/pay_1/success")  # HTML keeps its styles, is never framed
    assert page.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert page.headers["x-frame-options"] == "DENY" and "cache-control" not in page.headers


def test_request_ids_are_echoed_when_well_formed_and_generated_otherwise(api):
    r = api.client.get("/health/live", headers={"X-Request-ID": "req-1234567890"})
    assert r.headers["x-request-id"] == "req-1234567890"
    r = api.client.get("/health/live", headers={"X-Request-ID": "bad id\twith spaces"})
    assert r.headers["x-request-id"] != "bad id\twith spaces"
    assert len(r.headers["x-request-id"]) == 32
    assert len(api.client.get("/health/live").headers["x-request-id"]) == 32


def test_cors_is_off_unless_origins_are_configured(api):
    preflight = {"Origin": "https://app.betaskill.co.za", "Access-Control-Request-Method": "POST"}
    r = api.client.options("/api/v1/payments", headers=preflight)
    assert "access-control-allow-origin" not in r.headers
    with secure_api({"SKILLPAY_CORS_ORIGINS": "https://app.betaskill.co.za"}) as cors:
        r = cors.client.options("/api/v1/payments", headers=preflight)
        assert r.headers["access-control-allow-origin"] == "https://app.betaskill.co.za"
        r = cors.client.options("/api/v1/payments",
                                headers={**preflight, "Origin": "https://evil.example"})
        assert r.headers.get("access-control-allow-origin") != "https://evil.example"


def test_only_allowed_hosts_are_served():
    with secure_api({"SKILLPAY_ALLOWED_HOSTS": "pay.example.test"},
                    base_url="http://pay.example.test") as hosts:
        assert hosts.client.get("/api/v1/payments", headers=hosts.auth("stu-1")).status_code \
            == 200
        r = hosts.client.get("/api/v1/payments",
                             headers={**hosts.auth("stu-1"), "Host": "evil.example"})
        assert r.status_code == 400
        # load balancers and Prometheus call probes by IP
        assert hosts.client.get("/health/live", headers={"Host": "10.0.0.7:8000"}).status_code \
            == 200


def test_https_is_required_when_configured_health_excepted():
    env = {"SKILLPAY_REQUIRE_HTTPS": "true"}
    with secure_api(env) as plain:
        r = plain.client.get("/api/v1/payments", headers=plain.auth("stu-1"))
        assert r.status_code == 403 and r.json()["code"] == "https_required"
        assert "location" not in r.headers  # no redirect for an API
        r = plain.client.get("/api/v1/payments", headers={
            **plain.auth("stu-1"), "X-Forwarded-Proto": "https"})  # not from a trusted proxy
        assert r.status_code == 403
        assert plain.client.get("/health/live").status_code == 200
    with secure_api(env, base_url="https://testserver.local") as secure:
        r = secure.client.get("/api/v1/payments", headers=secure.auth("stu-1"))
        assert r.status_code == 200
        assert r.headers["strict-transport-security"].startswith("max-age=")


def test_payment_creation_is_rate_limited_per_student():
    with secure_api({"SKILLPAY_RATE_LIMIT_PAYMENTS": "3", "SKILLPAY_MAX_OPEN_CHECKOUTS": "0"}) \
            as limited:
        enrollment = limited.enrollment("stu-1")
        for i in range(3):
            assert limited.checkout(enrollment["id"], key=f"rate-key-000000{i}").status_code \
                in (200, 201)
        r = limited.checkout(enrollment["id"], key="rate-key-0000009")
        assert r.status_code == 429 and r.json()["code"] == "rate_limited"
        assert r.json()["retryable"] is True and int(r.headers["retry-after"]) >= 1
        other = limited.enrollment("stu-2")
        assert limited.checkout(other["id"], "stu-2").status_code == 201
        limited.clock.now += 60
        assert limited.checkout(enrollment["id"], key="rate-key-0000010").status_code == 200


def test_bad_callbacks_are_rate_limited_per_client_ip():
    with secure_api({"SKILLPAY_RATE_LIMIT_WEBHOOK": "2"}) as limited:
        codes = [limited.client.post("/webhooks/ikhokha", content=b"{}").status_code
                 for _ in range(4)]
        assert codes[:2] == [401, 401] and codes[2:] == [429, 429]
        refusals = [e for e in container_of(limited.client.app).memory_store().audit
                    if e.action == "callback_rejected"]
        assert len(refusals) == 2  # past the limit, refusals are not written for each


def test_a_launch_burst_of_signed_callbacks_is_never_throttled():
    """200 signed callbacks from one address with a limit of 2 per minute: all 200."""
    from domain.gateway_report import GatewayStatus

    with secure_api({"SKILLPAY_RATE_LIMIT_WEBHOOK": "2", "SKILLPAY_RATE_LIMIT_PAYMENTS": "0",
                     "SKILLPAY_MAX_OPEN_CHECKOUTS": "0"}) as launch:
        callbacks = []
        for n in range(50):
            student = f"launch-{n:03d}"
            enrollment = launch.enrollment(student)
            payment = launch.checkout(enrollment["id"], student, f"launch-key-{n:08d}").json()
            launch.gateway.settle(payment["gateway_reference"], GatewayStatus.SUCCESS)
            callbacks.append(launch.gateway.signed_callback(payment["gateway_reference"]))
        codes = [launch.client.post("/webhooks/ikhokha", content=body, headers=headers)
                 .status_code for _ in range(4) for body, headers in callbacks]
        assert codes == [200] * 200
        assert launch.client.post("/webhooks/ikhokha", content=b"{}").status_code == 401


def test_a_student_may_hold_only_a_few_open_checkouts():
    with secure_api({"SKILLPAY_MAX_OPEN_CHECKOUTS": "2"}) as capped:
        first, second, third = (capped.enrollment("stu-1") for _ in range(3))
        assert capped.checkout(first["id"], key="open-key-00000001").status_code == 201
        assert capped.checkout(second["id"], key="open-key-00000002").status_code == 201
        r = capped.checkout(third["id"], key="open-key-00000003")
        assert r.status_code == 409 and r.json()["code"] == "too_many_open_checkouts"
        assert capped.checkout(third["id"], "stu-1", "open-key-00000003").status_code == 409
        other = capped.enrollment("stu-2")
        assert capped.checkout(other["id"], "stu-2").status_code == 201


def _payment_events(caplog):
    return [rec.msg for rec in caplog.records
            if isinstance(rec.msg, dict) and rec.msg.get("kind") == "payment_event"]


def test_payment_events_are_logged_with_the_request_id(api, caplog):
    enrollment = api.enrollment("stu-log")
    with caplog.at_level(logging.INFO):
        api.client.post("/api/v1/payments", json={"enrollment_id": enrollment["id"]},
                        headers={**api.auth("stu-log"), "Idempotency-Key": "log-key-000000001",
                                 "X-Request-ID": "req-log-0000001"})
    events = [e for e in _payment_events(caplog) if e["entity"] == "payment"]
    assert {e["event"] for e in events} >= {"PaymentCreated", "PaymentStarted"}
    assert all(e["request_id"] == "req-log-0000001" for e in events)


def test_payment_logging_can_be_switched_off(caplog):
    with secure_api({"SKILLPAY_ENABLE_PAYMENT_LOGGING": "false"}) as quiet:
        enrollment = quiet.enrollment("stu-1")
        with caplog.at_level(logging.INFO):
            assert quiet.checkout(enrollment["id"]).status_code == 201
    assert _payment_events(caplog) == []


def test_without_webhook_validation_callbacks_are_parsed_but_still_confirmed():
    with secure_api({"SKILLPAY_ENABLE_WEBHOOK_VALIDATION": "false"}) as loose:
        enrollment = loose.enrollment("stu-1")
        payment = loose.checkout(enrollment["id"]).json()
        reference = payment["gateway_reference"]
        body, headers = loose.gateway.signed_callback(reference)
        headers = {k: ("forged" if k.lower() == "ik-sign" else v) for k, v in headers.items()}
        r = loose.client.post("/webhooks/ikhokha", content=body, headers=headers)
        assert r.status_code == 200  # accepted unsigned, but the gateway says still pending
        paid = loose.client.get(f"/api/v1/payments/{payment['id']}", headers=loose.auth("stu-1"))
        assert paid.json()["status"] == "pending"
        loose.gateway.settle(reference, GatewayStatus.SUCCESS)
        body, _ = loose.gateway.signed_callback(reference)
        assert loose.client.post("/webhooks/ikhokha", content=body,
                                 headers={"IK-SIGN": "forged"}).status_code == 200
        paid = loose.client.get(f"/api/v1/payments/{payment['id']}", headers=loose.auth("stu-1"))
        assert paid.json()["status"] == "succeeded"


def test_an_unexpected_failure_is_logged_with_secrets_and_card_numbers_masked(api, caplog):
    """The failure's own message carries the JWT secret, a token and a card number: the
    traceback in the log shows none of them (the log-hygiene run scans this line too)."""
    token = api.auth("stu-1")["Authorization"]
    leak = RuntimeError(f"boom {api.settings.jwt_secret} {token} 4111111111111111")
    api.gateway.fail_next("create_paylink", leak)
    enrollment = api.enrollment("stu-1")
    with caplog.at_level(logging.ERROR, logger="skillpay.http"):
        r = api.checkout(enrollment["id"], key="leaky-key-00000001")
    assert r.status_code == 500 and r.json()["code"] == "internal_error"
    assert "boom" not in r.text
    logged = "\n".join(rec.getMessage() + (rec.exc_text or "") for rec in caplog.records)
    assert "boom" in logged and "411111******1111" in logged
    assert api.settings.jwt_secret not in logged and token.split()[1] not in logged


def test_security_events_are_warnings(api, caplog):
    enrollment = api.enrollment("stu-sec")
    payment = api.checkout(enrollment["id"], "stu-sec", "sec-key-000000001").json()
    body, _ = api.gateway.signed_callback(payment["gateway_reference"])
    with caplog.at_level(logging.INFO):
        api.client.post("/webhooks/ikhokha", content=body, headers={"IK-SIGN": "0" * 64})
        api.client.get(f"/api/v1/payments/{payment['id']}", headers=api.auth("stu-other"))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("invalid_signature" in m for m in warnings)
    assert any("ownership refused" in m for m in warnings)
