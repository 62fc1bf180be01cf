"""The risk rules over HTTP: a blocked student's 403 problem with the rule's words, the
admin rules and flags API, lifting a block, the progress report, and the Risk page."""

from __future__ import annotations

import itertools

import pytest

from tests.support.secure_api import secure_api

pytestmark = pytest.mark.e2e
KEYS = itertools.count()
STUDENT_RULE = "checkouts_per_student_hour"


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    with secure_api({"SKILLPAY_MAX_OPEN_CHECKOUTS": "0", "SKILLPAY_RATE_LIMIT_PAYMENTS": "0"}) \
            as api:
        yield api


def admin(api):  # type: ignore[no-untyped-def]
    return api.auth("admin-1", "admin")


def rule(api, rule_id: str) -> dict:  # type: ignore[no-untyped-def]
    r = api.client.get("/api/v1/admin/risk/rules", headers=admin(api))
    assert r.status_code == 200, r.text
    return next(item for item in r.json()["items"] if item["id"] == rule_id)


def set_limit(api, limit: int) -> dict:  # type: ignore[no-untyped-def]
    body = {k: v for k, v in rule(api, STUDENT_RULE).items()
            if k not in ("updated_at", "updated_by")}
    r = api.client.put("/api/v1/admin/risk/rules", headers=admin(api), json={**body,
                                                                           "limit": limit})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def checkout(api, student: str = "stu-1"):  # type: ignore[no-untyped-def]
    enrollment = api.enrollment(student)
    return api.checkout(enrollment["id"], student, f"risk-key-{next(KEYS):012d}")


def test_a_blocked_student_gets_a_403_problem_with_what_to_do(api):
    changed = set_limit(api, 2)
    assert changed["limit"] == 2 and changed["updated_by"] == "admin:admin-1"
    assert [checkout(api).status_code for _ in range(2)] == [201, 201]
    refused = checkout(api)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "risk_blocked" and problem["retryable"] is False
    assert problem["user_message"] == rule(api, STUDENT_RULE)["student_message"]
    assert "stu-1" not in problem["user_message"]


def test_the_operator_sees_the_block_with_its_audit_trail_and_lifts_it(api):
    set_limit(api, 1)
    assert checkout(api).status_code == 201
    assert checkout(api).status_code == 403
    assert api.client.get("/api/v1/admin/risk/flags", headers=api.auth("stu-1")) \
        .status_code == 403
    [flag] = api.client.get("/api/v1/admin/risk/flags", headers=admin(api)).json()["items"]
    assert (flag["rule_id"], flag["outcome"], flag["status"], flag["subject"]) == (
        STUDENT_RULE, "block", "active", "stu-1")
    assert [e["action"] for e in flag["audit"]] == ["risk_block"]
    lift = {"flag_id": flag["id"], "reason": "spoke to the student"}
    assert api.client.post("/api/v1/admin/risk/lift", headers=api.auth("stu-1"),
                           json=lift).status_code == 403
    r = api.client.post("/api/v1/admin/risk/lift", headers=admin(api), json=lift)
    assert r.status_code == 200 and r.json()["status"] == "lifted"
    assert checkout(api).status_code == 201
    again = api.client.post("/api/v1/admin/risk/lift", headers=admin(api), json=lift)
    assert again.status_code == 409
    [flag] = api.client.get("/api/v1/admin/risk/flags", headers=admin(api)).json()["items"]
    assert [e["action"] for e in flag["audit"]] == ["risk_block", "risk_block_lifted"]


def test_rule_changes_are_checked(api):
    body = {k: v for k, v in rule(api, STUDENT_RULE).items()
            if k not in ("updated_at", "updated_by")}
    for bad in ({"limit": 0}, {"outcome": "maybe"}, {"window_s": 1}, {"student_message": ""},
                {"extra": 1}):
        r = api.client.put("/api/v1/admin/risk/rules", headers=admin(api), json={**body, **bad})
        assert r.status_code == 400, (bad, r.text)
    r = api.client.put("/api/v1/admin/risk/rules", headers=admin(api),
                       json={**body, "id": "no_such_rule"})
    assert r.status_code == 404
    assert api.client.put("/api/v1/admin/risk/rules", headers=api.auth("stu-1"),
                          json=body).status_code == 403


def test_the_platform_reports_progress(api):
    enrollment = api.enrollment("stu-1")
    body = {"enrollment_id": enrollment["id"], "percent_complete": 85}
    r = api.client.post("/api/v1/progress", headers=api.auth("platform", "service"), json=body)
    assert r.status_code == 200 and r.json()["percent_complete"] == 85
    assert api.client.post("/api/v1/progress", headers=api.auth("stu-1"),
                           json=body).status_code == 403
    assert api.client.post("/api/v1/progress", headers=api.auth("platform", "service"),
                           json={**body, "percent_complete": 101}).status_code == 400
    assert api.client.post("/api/v1/progress", headers=api.auth("platform", "service"),
                           json={**body, "enrollment_id": "enr_nope"}).status_code == 404


def test_the_risk_page_lifts_a_block_from_the_same_origin_only(api):
    set_limit(api, 1)
    checkout(api)
    checkout(api)
    page = api.client.get("/admin/risk", headers=admin(api))
    assert page.status_code == 200 and "Lift block" in page.text
    assert api.client.get("/admin/risk").status_code == 401
    assert api.client.get("/admin/risk", headers=api.auth("stu-1")).status_code == 403
    [flag] = api.client.get("/api/v1/admin/risk/flags", headers=admin(api)).json()["items"]
    form = {"flag_id": flag["id"], "reason": "checked by phone"}
    cross = api.client.post("/admin/risk/lift", headers={**admin(api),
                                                         "Origin": "https://evil.example"},
                            data=form, follow_redirects=False)
    assert cross.status_code == 403
    done = api.client.post("/admin/risk/lift", headers=admin(api), data=form,
                           follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/admin/risk"
    [flag] = api.client.get("/api/v1/admin/risk/flags", headers=admin(api)).json()["items"]
    assert flag["status"] == "lifted" and flag["lifted_by"] == "admin:admin-1"
