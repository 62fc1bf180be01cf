"""Hostile input answers a 4xx problem, never a 5xx, on memory, SQLite and PostgreSQL:
NUL and control characters in ids and queries, JSON nested a thousand levels deep, and
datetimes without a timezone (each one answered 500 before)."""

from __future__ import annotations

import pytest

from tests.support.databases import scratch_postgres_url  # noqa: F401  (fixture)
from tests.support.secure_api import secure_api

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def hostile_api(request, tmp_path):
    url = {"memory": "memory://", "sqlite": f"sqlite+aiosqlite:///{tmp_path}/hostile.db"}.get(
        request.param) or request.getfixturevalue("scratch_postgres_url")
    with secure_api({"SKILLPAY_DATABASE_URL": url}) as api:
        yield api


def _problem(r, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == code


@pytest.mark.parametrize("path", ["/api/v1/payments/pay%00x", "/api/v1/enrollments/e%0D%0Ax",
                                  "/api/v1/refunds/r%1Bx", "/checkout/pay%00x/success"])
def test_an_id_with_control_characters_is_not_found(hostile_api, path):
    _problem(hostile_api.client.get(path, headers=hostile_api.auth("stu-1")), 404, "not_found")


def test_a_query_with_control_characters_is_refused(hostile_api):
    r = hostile_api.client.get("/api/v1/payments?student_id=a%00b",
                               headers=hostile_api.auth("admin-1", "admin"))
    _problem(r, 400, "invalid_request")


@pytest.mark.parametrize("path", ["/api/v1/payments", "/api/v1/enrollments",
                                  "/webhooks/ikhokha"])
def test_json_nested_a_thousand_levels_is_refused(hostile_api, path):
    body = "[" * 1000 + "]" * 1000
    r = hostile_api.client.post(path, content=body, headers={
        **hostile_api.auth("stu-1"), "Content-Type": "application/json",
        "Idempotency-Key": "deep-nesting-000001"})
    assert 400 <= r.status_code < 500, r.text


def test_a_date_filter_without_a_timezone_is_a_clear_400(hostile_api):
    r = hostile_api.client.get("/api/v1/payments?created_from=2026-01-01T00:00:00",
                               headers=hostile_api.auth("stu-1"))
    _problem(r, 400, "invalid_request")
    assert "timezone" in r.json()["detail"]
    ok = hostile_api.client.get("/api/v1/payments?created_from=2026-01-01T00:00:00Z",
                                headers=hostile_api.auth("stu-1"))
    assert ok.status_code == 200


def test_a_wrong_method_is_405_with_allow(hostile_api):
    r = hostile_api.client.delete("/api/v1/payments", headers=hostile_api.auth("stu-1"))
    _problem(r, 405, "method_not_allowed")
    assert {"GET", "POST"} <= {m.strip() for m in r.headers["Allow"].split(",")}


def test_validation_names_the_field_and_says_amounts_are_cents(hostile_api):
    r = hostile_api.client.post("/api/v1/enrollments", headers=hostile_api.auth(
        "platform", "service"), json={"student_id": "s", "course_id": "c",
                                      "price": {"amount": -5, "currency": "ZAR"}})
    _problem(r, 400, "invalid_request")
    assert "price.amount" in r.json()["detail"] and "cents" in r.json()["detail"]


@pytest.mark.parametrize(("body", "content_type"), [
    ('{"student_id":', "application/json"), ("student_id=s", "application/x-www-form-urlencoded"),
    ("[1, 2", "application/json")])
def test_any_unparsable_body_has_one_code(hostile_api, body, content_type):
    r = hostile_api.client.post("/api/v1/enrollments", content=body, headers={
        **hostile_api.auth("platform", "service"), "Content-Type": content_type})
    _problem(r, 400, "malformed_json")
    assert r.json()["instance"] == "/api/v1/enrollments"

