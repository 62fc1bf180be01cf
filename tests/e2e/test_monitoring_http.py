"""Monitoring over HTTP: /metrics, readiness, the operator page's sign-in and cookie."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Api
from tests.support.scrape import parse_scrape, value

pytestmark = pytest.mark.e2e


def test_metrics_are_prometheus_text_counted_by_route_template(api: Api):
    enrollment = api.enrollment()
    api.client.get(f"/api/v1/enrollments/{enrollment['id']}", headers=api.auth("stu-1"))
    api.client.get("/api/v1/enrollments/enr_missing", headers=api.auth("stu-1"))
    response = api.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    scrape = parse_scrape(response.text)
    route = "/api/v1/enrollments/{enrollment_id}"
    assert value(scrape, "skillpay_http_requests_total", method="GET", route=route,
                 status="200") == 1
    assert value(scrape, "skillpay_http_requests_total", method="GET", route=route,
                 status="404") == 1
    assert value(scrape, "skillpay_errors_total", category="validation", code="not_found") == 1
    assert not any("enr_" in labels for (_, ls) in scrape for labels in map(str, ls))


def test_a_forged_callback_is_counted_as_rejected(api: Api):
    response = api.client.post("/webhooks/ikhokha", content=b'{"paylinkID":"x"}',
                               headers={"IK-SIGN": "forged", "IK-APPID": "nobody"})
    assert response.status_code == 401
    scrape = parse_scrape(api.client.get("/metrics").text)
    assert value(scrape, "skillpay_callbacks_total", outcome="rejected") == 1
    assert value(scrape, "skillpay_errors_total", category="validation",
                 code="invalid_signature") == 1


def test_liveness_and_readiness_on_memory_storage(api: Api):
    assert api.client.get("/health/live").json() == {"status": "ok"}
    ready = api.client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"] == [{"name": "database", "ok": True,
                                       "detail": "memory storage"}]
    assert ready.json()["gateway_circuit"] == "none"


def test_the_operator_page_asks_for_the_token_then_keeps_it_in_a_strict_cookie(api: Api):
    login = api.client.get("/admin")
    assert login.status_code == 200 and 'name="token"' in login.text
    assert login.headers["cache-control"] == "no-store"
    refused = api.client.post("/admin/login", data={"token": api.tokens.mint("stu-1",
                                                                             "student")})
    assert refused.status_code == 403 and "admin token is required" in refused.text
    bad = api.client.post("/admin/login", data={"token": "not-a-token"})
    assert bad.status_code == 401
    token = api.tokens.mint("ops", "admin")
    signed_in = api.client.post("/admin/login", data={"token": token},
                                follow_redirects=False)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/admin"
    cookie = signed_in.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/admin" in cookie
    assert "secure" not in cookie  # plain HTTP in this test; Secure when HTTPS is required
    page = api.client.get("/admin")
    assert page.status_code == 200 and 'id="chart-volumes"' in page.text
    assert token not in page.text
    api.client.post("/admin/logout")
    api.client.cookies.clear()
    assert 'name="token"' in api.client.get("/admin").text


def test_the_operator_page_also_takes_a_bearer_header(api: Api):
    page = api.client.get("/admin?window=7d", headers=api.auth("ops", "admin"))
    assert page.status_code == 200 and "last 7d" in page.text
    assert api.client.get("/admin", headers=api.auth("stu-1")).status_code == 403
