"""The operator console over HTTP: find payments (/admin/payments, its CSV), open one
(/admin/payment?id=...), refund it, confirm a manual refund, resolve a review from it.
Admin cookie only; forms same-origin only; refusals come back as messages."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from domain.gateway_report import GatewayStatus
from domain.money import Money
from entrypoints.http import admin_console

pytestmark = pytest.mark.e2e

ORIGIN = "http://testserver.local"  # the TestClient's own origin
KEYS = iter(range(10**6))


def _paid(api, student: str, amount: int = 49900) -> dict:
    enrollment = api.enrollment(student, amount=amount)
    payment = api.checkout(enrollment["id"], sub=student,
                           key=f"console-key-{next(KEYS):08d}").json()
    api.gateway.settle(payment["gateway_reference"], GatewayStatus.SUCCESS)
    body, headers = api.gateway.signed_callback(payment["gateway_reference"])
    assert api.client.post("/webhooks/ikhokha", content=body, headers=headers).status_code == 200
    paid = api.client.get(f"/api/v1/payments/{payment['id']}", headers=api.auth(student)).json()
    assert paid["status"] == "succeeded", paid
    return paid  # type: ignore[no-any-return]


def _sign_in(api) -> None:
    token = api.tokens.mint("ops", "admin")
    r = api.client.post("/admin/login", data={"token": token}, follow_redirects=False)
    assert r.status_code == 303


def _ids(page: str) -> list[str]:
    return re.findall(r'<tr data-payment-id="([^"]+)"', page)


def _flash(page: str) -> str:
    found = re.search(r'<p id="flash" class="flash (\w+)"[^>]*>([^<]*)</p>', page)
    assert found, "no flash message on the page"
    return f"{found.group(1)}: {unescape(found.group(2))}"


def _key(page: str) -> str:
    found = re.search(r'name="key" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _refund(api, payment_id: str, amount: str, reason: str, key: str = "k" * 24, **headers):
    return api.client.post("/admin/payment/refund", data={
        "payment_id": payment_id, "amount_minor": amount, "reason": reason, "key": key},
        headers={"Origin": ORIGIN, **headers}, follow_redirects=False)


def test_search_by_student_finds_only_that_students_payments_newest_first(api):
    a1, other, a2 = _paid(api, "stu-a"), _paid(api, "stu-b"), _paid(api, "stu-a")
    _sign_in(api)
    page = api.client.get("/admin/payments", params={"student_id": "stu-a"})
    assert page.status_code == 200
    assert _ids(page.text) == [a2["id"], a1["id"]]
    assert other["id"] not in page.text
    everyone = api.client.get("/admin/payments").text
    assert set(_ids(everyone)) >= {a1["id"], a2["id"], other["id"]}
    by_id = api.client.get("/admin/payments", params={"payment_id": other["id"]}).text
    assert _ids(by_id) == [other["id"]]
    wrong = api.client.get("/admin/payments", params={"payment_id": other["id"],
                                                      "student_id": "stu-a"}).text
    assert _ids(wrong) == [] and "No payment matches this search." in wrong
    held = api.client.get("/admin/payments", params={"status": "failed"}).text
    assert _ids(held) == []
    assert f'href="/admin/payment?id={a1["id"]}"' in page.text
    assert 'href="/admin"' in page.text  # back to the operator page
    assert 'href="/admin/payments"' in api.client.get("/admin").text  # and there from it


def test_dates_without_a_timezone_are_utc_days_and_refusals_are_messages(api):
    paid = _paid(api, "stu-d")
    _sign_in(api)
    today = datetime.now(UTC).date()
    yesterday = today - timedelta(days=1)
    same_day = api.client.get("/admin/payments", params={"from": str(today), "to": str(today)})
    assert _ids(same_day.text) == [paid["id"]]
    before = api.client.get("/admin/payments", params={"to": str(yesterday)}).text
    assert _ids(before) == []
    naive = api.client.get("/admin/payments", params={"from": f"{today}T00:00:00"}).text
    assert _ids(naive) == [paid["id"]]
    for params in ({"from": "not-a-date"}, {"status": "<b>lost</b>"}, {"cursor": "@@"}):
        refused = api.client.get("/admin/payments", params=params)
        assert refused.status_code == 400, params
        assert "That search was refused" in refused.text
        assert "<b>lost</b>" not in refused.text


def test_next_page_follows_the_cursor(api, monkeypatch):
    monkeypatch.setattr(admin_console, "PAGE_SIZE", 2)
    made = [_paid(api, "stu-p")["id"] for _ in range(3)]
    _sign_in(api)
    first = api.client.get("/admin/payments", params={"student_id": "stu-p"}).text
    assert _ids(first) == made[::-1][:2]
    link = re.search(r'<a id="next-page" href="([^"]+)"', first)
    assert link
    second = api.client.get(unescape(link.group(1))).text
    assert _ids(second) == made[:1]
    assert 'id="next-page"' not in second


def test_students_and_strangers_cannot_use_the_console(api):
    paid = _paid(api, "stu-s")
    student = api.auth("stu-s")
    for url in ("/admin/payments", f"/admin/payment?id={paid['id']}", "/admin/payments.csv"):
        refused = api.client.get(url, headers=student)
        assert refused.status_code == 403, url
        assert paid["id"] not in refused.text
        anonymous = api.client.get(url)
        assert anonymous.status_code == 401 and 'action="/admin/login"' in anonymous.text
    post = _refund(api, paid["id"], "100", "mine", **student)
    assert post.status_code == 403
    _sign_in(api)
    cross = _refund(api, paid["id"], "100", "forged", Origin="https://evil.example")
    assert cross.status_code == 403
    fresh = api.client.get(f"/api/v1/payments/{paid['id']}", headers=api.auth("stu-s")).json()
    assert fresh["refunded_amount"]["amount"] == 0


def test_the_payment_page_shows_facts_and_the_audit_timeline(api):
    paid = _paid(api, "stu-<i>t</i>")
    _sign_in(api)
    page = api.client.get("/admin/payment", params={"id": paid["id"]})
    assert page.status_code == 200
    text = page.text
    assert page.headers["referrer-policy"] == "same-origin"
    assert "stu-&lt;i&gt;t&lt;/i&gt;" in text and "<i>t</i>" not in text
    assert paid["enrollment_id"] in text and paid["gateway_reference"] in text
    assert "499.00 ZAR" in text
    timeline = text[text.index('id="timeline"'):]
    assert "Payment created" in timeline and "Enrollment activated" in timeline
    assert "(pending → succeeded)" in timeline and "service:platform" in timeline
    assert "<script" not in text and "https://" not in text
    missing = api.client.get("/admin/payment", params={"id": "<img src=x>"})
    assert missing.status_code == 404 and "&lt;img src=x&gt;" in missing.text


def test_a_refund_from_the_page_is_made_and_said_so(api):
    paid = _paid(api, "stu-r")
    _sign_in(api)
    page = api.client.get("/admin/payment", params={"id": paid["id"]}).text
    done = _refund(api, paid["id"], "12050", "cooling-off period", key=_key(page))
    assert done.status_code == 303
    assert done.headers["location"] == f"/admin/payment?id={paid['id']}"
    after = api.client.get(done.headers["location"]).text
    assert re.fullmatch(r"ok: Refund ref_\w+ of 120\.50 ZAR done: iKhokha refunded it "
                        r"\(reference fkr-ref_\w+\)\.", _flash(after))
    assert 'data-refund-id="ref_' in after and "cooling-off period" in after
    assert 'id="flash"' not in api.client.get(done.headers["location"]).text  # shown once
    again = _refund(api, paid["id"], "12050", "cooling-off period", key=_key(page))
    assert again.status_code == 303  # the same form sent twice: the same refund
    fresh = api.client.get(f"/api/v1/payments/{paid['id']}", headers=api.auth("stu-r")).json()
    assert fresh["refunded_amount"]["amount"] == 12050
    assert len(api.gateway.refunds) == 1


def test_refusals_are_messages_not_errors(api):
    paid = _paid(api, "stu-m")
    _sign_in(api)
    cases = [("100", "   ", "error: Nothing refunded: Write a reason (1-500 characters)"),
             ("12.50", "why", "error: Nothing refunded: The amount must be a whole number"),
             ("", "why", "error: Nothing refunded: The amount must be a whole number"),
             ("99999999", "too much", "error: Nothing refunded: ")]
    for n, (amount, reason, expected) in enumerate(cases):
        r = _refund(api, paid["id"], amount, reason, key=f"refusal-key-{n:08d}")
        assert r.status_code == 303, (amount, reason)
        assert _flash(api.client.get(r.headers["location"]).text).startswith(expected)
    missing = _refund(api, "pay_missing", "100", "why", key="refusal-key-missing0")
    assert missing.status_code == 303
    assert "Payment not found" in _flash(api.client.get(missing.headers["location"]).text)
    fresh = api.client.get(f"/api/v1/payments/{paid['id']}", headers=api.auth("stu-m")).json()
    assert fresh["refunded_amount"]["amount"] == 0


def test_a_manual_refund_is_confirmed_from_the_page(api):
    api.gateway.can_refund = False  # like iKhokha: refunds are made in its dashboard
    paid = _paid(api, "stu-c")
    _sign_in(api)
    made = _refund(api, paid["id"], "49900", "course cancelled")
    page = api.client.get(made.headers["location"]).text
    assert "recorded and reserved" in _flash(page)
    refund_id = re.search(r'data-refund-id="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert 'action="/admin/payment/confirm-refund"' in page
    assert 'id="refund-none"' in page  # everything is reserved: nothing left to refund

    def confirm(reference: str):
        return api.client.post("/admin/payment/confirm-refund", data={
            "payment_id": paid["id"], "refund_id": refund_id, "gateway_reference": reference},
            headers={"Origin": ORIGIN}, follow_redirects=False)

    blank = confirm("  ")
    assert _flash(api.client.get(blank.headers["location"]).text) == (
        f"error: Refund {refund_id} not confirmed: Enter iKhokha's refund reference "
        "(1-128 characters).")
    ok = confirm("IK-RF-7781")
    assert _flash(api.client.get(ok.headers["location"]).text) == (
        f"ok: Refund {refund_id} of 499.00 ZAR confirmed with iKhokha reference IK-RF-7781: "
        "the money counts as returned.")
    fresh = api.client.get(f"/api/v1/payments/{paid['id']}", headers=api.auth("stu-c")).json()
    assert fresh["status"] == "refunded"


def test_a_held_payment_is_resolved_from_its_page_and_comes_back_to_it(api):
    enrollment = api.enrollment("stu-h")
    payment = api.checkout(enrollment["id"], sub="stu-h").json()
    api.gateway.settle(payment["gateway_reference"], GatewayStatus.SUCCESS,
                       reported_amount=Money(49800, "ZAR"))
    body, headers = api.gateway.signed_callback(payment["gateway_reference"])
    api.client.post("/webhooks/ikhokha", content=body, headers=headers)
    _sign_in(api)
    assert f'href="/admin/payment?id={payment["id"]}"' in api.client.get("/admin").text
    page = api.client.get("/admin/payment", params={"id": payment["id"]}).text
    assert 'name="return_to" value="payment"' in page and "amount_mismatch" in page
    r = api.client.post("/admin/review", data={
        "payment_id": payment["id"], "action": "accept", "reason": "bank fee",
        "return_to": "payment"}, headers={"Origin": ORIGIN}, follow_redirects=False)
    assert r.headers["location"] == f"/admin/payment?id={payment['id']}"
    assert "accepted: course unlocked" in _flash(api.client.get(r.headers["location"]).text)


def test_the_csv_link_downloads_the_search_with_the_cookie(api):
    paid, other = _paid(api, "stu-v"), _paid(api, "stu-w")
    _sign_in(api)
    page = api.client.get("/admin/payments", params={"student_id": "stu-v"}).text
    link = re.search(r'<a id="download-csv" href="([^"]+)"', page)
    assert link and unescape(link.group(1)) == "/admin/payments.csv?student_id=stu-v"
    r = api.client.get(unescape(link.group(1)))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["id"] for row in rows] == [paid["id"]]
    assert other["id"] not in r.text
    one = api.client.get("/admin/payments.csv", params={"payment_id": other["id"]})
    assert [row["id"] for row in csv.DictReader(io.StringIO(one.text))] == [other["id"]]
