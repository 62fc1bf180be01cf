"""Resolving held payments over HTTP: the admin-only API, and the operator page's form
(POST /admin/review: admin cookie, same-origin only, 303 back to /admin with a message)."""

from __future__ import annotations

import pytest

from domain.gateway_report import GatewayStatus
from domain.money import Money

pytestmark = pytest.mark.e2e

ORIGIN = "http://testserver.local"  # the TestClient's own origin


def _held(api, student: str = "stu-1", paid: int = 49800) -> dict:
    """A payment the gateway reports with another amount: held for review, money captured."""
    enrollment = api.enrollment(student)
    payment = api.checkout(enrollment["id"], sub=student).json()
    api.gateway.settle(payment["gateway_reference"], GatewayStatus.SUCCESS,
                       reported_amount=Money(paid, "ZAR"))
    body, headers = api.gateway.signed_callback(payment["gateway_reference"])
    assert api.client.post("/webhooks/ikhokha", content=body, headers=headers).status_code == 200
    held = api.client.get(f"/api/v1/payments/{payment['id']}", headers=api.auth(student)).json()
    assert held["review_reason"] == "amount_mismatch", held
    return held


def _sign_in(api) -> str:
    token = api.tokens.mint("ops", "admin")
    r = api.client.post("/admin/login", data={"token": token}, follow_redirects=False)
    assert r.status_code == 303
    return token


def _resolve(api, payment_id: str, action: str, reason: str, **headers: str):
    return api.client.post("/admin/review", data={"payment_id": payment_id, "action": action,
                                                  "reason": reason, "window": "24h"},
                           headers={"Origin": ORIGIN, **headers}, follow_redirects=False)


def _audit(api, payment_id: str) -> list[dict]:
    r = api.client.get(f"/api/v1/payments/{payment_id}/audit",
                       headers=api.auth("ops", "admin"))
    assert r.status_code == 200, r.text
    return r.json()["items"]  # type: ignore[no-any-return]


def test_the_review_api_is_admin_only_and_needs_a_reason(api):
    held = _held(api)
    url = f"/api/v1/payments/{held['id']}/review"
    student = api.client.post(url, json={"action": "accept", "reason": "it is mine"},
                              headers=api.auth("stu-1"))
    assert student.status_code == 403
    assert student.headers["content-type"].startswith("application/problem+json")
    assert student.json()["code"] == "forbidden"
    for body in ({"action": "accept"}, {"action": "accept", "reason": ""}):
        refused = api.client.post(url, json=body, headers=api.auth("ops", "admin"))
        assert 400 <= refused.status_code < 500, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] in ("invalid_request", "reason_required")
    still = api.client.get(f"/api/v1/payments/{held['id']}", headers=api.auth("stu-1")).json()
    assert still["review_reason"] == "amount_mismatch" and still["status"] == "pending"
    assert not [e for e in _audit(api, held["id"]) if e["action"].startswith("review_")]


def test_the_page_lists_the_held_payment_with_its_facts_and_three_buttons(api):
    held = _held(api, student="stu-<b>bold</b>")
    _sign_in(api)
    page = api.client.get("/admin")
    assert page.status_code == 200
    assert page.headers["referrer-policy"] == "same-origin"  # so the form's Origin is sent
    text = page.text
    assert f'data-payment-id="{held["id"]}"' in text
    assert "stu-&lt;b&gt;bold&lt;/b&gt;" in text and "<b>bold</b>" not in text
    assert "499.00 ZAR" in text and "498.00 ZAR" in text and "amount_mismatch" in text
    for label in ("Re-verify with iKhokha", "Accept payment", "Reject"):
        assert label in text
    assert 'action="/admin/review"' in text and "required" in text
    assert "<script" not in text and "https://" not in text


def test_accepting_from_the_page_unlocks_the_course_and_is_audited(api):
    held = _held(api)
    _sign_in(api)
    done = _resolve(api, held["id"], "accept", "R1 bank fee, agreed with the student")
    assert done.status_code == 303 and done.headers["location"] == "/admin?window=24h"
    page = api.client.get("/admin").text
    assert f"Payment {held['id']} accepted: course unlocked." in page
    assert f'data-payment-id="{held["id"]}"' not in page and "Nothing needs review" in page
    assert "accepted: course unlocked" not in api.client.get("/admin").text  # shown once
    enrollment = api.client.get(f"/api/v1/enrollments/{held['enrollment_id']}",
                                headers=api.auth("stu-1")).json()
    assert enrollment["status"] == "active"
    [entry] = [e for e in _audit(api, held["id"]) if e["action"] == "review_accepted"]
    assert entry["actor"] == "admin:ops"
    assert "R1 bank fee, agreed with the student" in (entry["reason"] or "")


def test_refusals_come_back_as_messages_never_as_errors(api):
    held = _held(api)
    _sign_in(api)
    empty = _resolve(api, held["id"], "accept", "   ")
    assert empty.status_code == 303
    assert "Write a reason (1-500 characters)" in api.client.get("/admin").text
    reject = _resolve(api, held["id"], "reject", "looks wrong")  # money was captured
    assert reject.status_code == 303
    assert "refund it instead of rejecting" in api.client.get("/admin").text.lower()
    unknown = _resolve(api, "<img src=x onerror=alert(1)>", "accept", "why not")
    assert unknown.status_code == 303
    page = api.client.get("/admin").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    assert "payment not found" in page.lower()
    bogus = _resolve(api, held["id"], "delete", "no such action")
    assert bogus.status_code == 303
    assert "choose Re-verify, Accept or Reject" in api.client.get("/admin").text
    still = api.client.get(f"/api/v1/payments/{held['id']}", headers=api.auth("stu-1")).json()
    assert still["review_reason"] == "amount_mismatch"
    assert _resolve(api, held["id"], "accept", "checked").status_code == 303
    again = _resolve(api, held["id"], "accept", "checked twice")  # no longer held
    assert again.status_code == 303
    assert "not held for review" in api.client.get("/admin").text.lower()


def test_reverify_keeps_a_payment_held_while_the_gateway_still_disagrees(api):
    held = _held(api)
    _sign_in(api)
    assert _resolve(api, held["id"], "reverify", "asking iKhokha again").status_code == 303
    page = api.client.get("/admin").text
    assert "still disagrees" in page and f'data-payment-id="{held["id"]}"' in page
    assert [e for e in _audit(api, held["id"]) if e["action"] == "review_reverify_still_held"]


def test_cross_site_posts_and_non_admins_are_refused(api):
    held = _held(api)
    assert _resolve(api, held["id"], "accept", "no cookie").status_code == 401
    student = _resolve(api, held["id"], "accept", "student", Authorization=api.auth(
        "stu-1")["Authorization"])
    assert student.status_code == 403
    _sign_in(api)
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                    {"Origin": "http://testserver.local.evil.example"}):
        refused = _resolve(api, held["id"], "accept", "cross-site", **headers)
        assert refused.status_code == 403, headers
        assert "operator page itself" in refused.text
    no_origin = api.client.post("/admin/review", headers={"Sec-Fetch-Site": "cross-site"},
                                data={"payment_id": held["id"], "action": "accept",
                                      "reason": "cross-site"}, follow_redirects=False)
    assert no_origin.status_code == 403
    still = api.client.get(f"/api/v1/payments/{held['id']}", headers=api.auth("stu-1")).json()
    assert still["review_reason"] == "amount_mismatch" and still["status"] == "pending"
