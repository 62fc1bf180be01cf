"""The student's own money in the sandbox: "My payments" lists only their payments,
newest first; a receipt shows the amounts in rand and the references (and only to its
owner); every status page offers the next step that fits the outcome, including the
manual iKhokha step after a refund.

Runs `skillpay sandbox` for real (API + iK Pay simulator) and drives it with plain HTTP,
as a browser's forms would.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import timedelta
from html import unescape
from typing import Any

import pytest

from domain.payment import PaymentStatus
from entrypoints.http.sandbox.student import next_step
from tests.e2e.test_sandbox_owned_courses import Sandbox
from tests.e2e.test_sandbox_process import start_sandbox, wait_live
from tests.support.builders import T0, payment
from tests.support.live_stack import free_port

pytestmark = pytest.mark.e2e
THANDI, PIETER = "student-thandi", "student-pieter"


def request(box: Sandbox, method: str, path: str, student: str) -> tuple[int, str, str]:
    """(status, Location, body) of one request with the student's cookie, unfollowed."""
    conn = http.client.HTTPConnection("127.0.0.1", box.port, timeout=30)
    try:
        conn.request(method, path, body=b"" if method == "POST" else None, headers={
            "Cookie": f"sandbox_student={student}",
            "Content-Type": "application/x-www-form-urlencoded"})
        r = conn.getresponse()
        return r.status, r.getheader("Location") or "", r.read().decode()
    finally:
        conn.close()


def page(box: Sandbox, path: str, student: str) -> str:
    status, _, body = request(box, "GET", path, student)
    assert status == 200, (path, status, body[:300])
    return body


def sim(box: Sandbox, path: str, body: dict[str, Any]) -> None:
    with urllib.request.urlopen(urllib.request.Request(
            f"http://127.0.0.1:{box.sim_port}{path}", data=json.dumps(body).encode(),
            method="POST", headers={"Content-Type": "application/json"}), timeout=10):
        pass


def until(check: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def buy(box: Sandbox, course: str, student: str, outcome: str | None = None,
        *, settled: Callable[[dict[str, Any]], bool] | None = None) -> dict[str, Any]:
    """Buy a course; settle it on the simulator; return the payment once the API agrees."""
    status, checkout, _ = request(box, "POST", f"/sandbox/buy/{course}", student)
    assert status == 303 and "/checkout/" in checkout, (status, checkout)
    if outcome is not None:
        sim(box, f"/_sim/paylinks/{checkout.rsplit('/', 1)[-1]}/settle", {"outcome": outcome})
    wanted = {"pay": "succeeded", "decline": "failed", "cancel": "cancelled", None: "pending"}

    def current() -> dict[str, Any] | None:
        mine = [p for p in box.payments(student) if p["checkout_url"] == checkout]
        if mine and (settled(mine[0]) if settled else mine[0]["status"] == wanted[outcome]):
            return mine[0]
        return None

    return until(current, f"{student} {course} {outcome}")  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[tuple[Sandbox, dict[str, dict[str, Any]]]]:
    port, sim_port = free_port(), free_port()
    proc = start_sandbox(tmp_path_factory.mktemp("receipts"), port, sim_port)
    box = Sandbox(port, sim_port)
    reader = threading.Thread(target=lambda: box.output.extend(iter(proc.stdout.readline, "")),
                              daemon=True)
    reader.start()
    try:
        assert wait_live(port), "the sandbox did not start:\n" + "".join(box.output)
        made = {
            "thandi_paid": buy(box, "python-101", THANDI, "pay"),
            "thandi_declined": buy(box, "data-science", THANDI, "decline"),
            "thandi_to_refund": buy(box, "web-dev", THANDI, "pay"),
            "pieter_pending": buy(box, "web-dev", PIETER),
            "pieter_cancelled": buy(box, "data-science", PIETER, "cancel"),
        }
        sim(box, "/_sim/faults", {"status_amount_delta": 100})  # iKhokha reports R1 more
        try:
            made["pieter_held"] = buy(box, "python-101", PIETER, "pay",
                                      settled=lambda p: p["review_reason"] is not None)
        finally:
            sim(box, "/_sim/faults", {"clear": True})
        yield box, made
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except Exception:
            proc.kill()
        reader.join(timeout=5)


def listed_ids(html: str) -> list[str]:
    return re.findall(r"<li class=card data-payment='([^']+)'", html)


def test_my_payments_lists_the_students_own_payments_newest_first(world):
    box, made = world
    thandi = page(box, "/sandbox/payments", THANDI)
    assert listed_ids(thandi) == [made[k]["id"] for k in
                                  ("thandi_to_refund", "thandi_declined", "thandi_paid")]
    for key in ("pieter_pending", "pieter_cancelled", "pieter_held"):
        assert made[key]["id"] not in thandi
    text = unescape(thandi)
    assert "Python 101" in text and "R499.00" in text and "R899.00" in text
    assert made["thandi_declined"]["user_message"] in text
    assert made["thandi_paid"]["user_message"] in text
    receipts = re.findall(r"href='/sandbox/payments/([^/']+)/receipt'", thandi)
    assert sorted(receipts) == sorted([made["thandi_paid"]["id"], made["thandi_to_refund"]["id"]])

    pieter = page(box, "/sandbox/payments", PIETER)
    assert sorted(listed_ids(pieter)) == sorted(made[k]["id"] for k in
                                                ("pieter_pending", "pieter_cancelled",
                                                 "pieter_held"))
    assert "/receipt'" not in pieter  # nothing of his is paid
    assert "Under review" in pieter and "Waiting for payment" in pieter


def test_the_receipt_shows_rand_amounts_and_references_to_its_owner_only(world):
    box, made = world
    paid = made["thandi_paid"]
    html = page(box, f"/sandbox/payments/{paid['id']}/receipt", THANDI)
    text = unescape(html)
    assert "<dd class=merchant>Beta Skill</dd>" in html
    assert "<dd class=course>Python 101</dd>" in html
    assert "<dd class=amount>R499.00</dd>" in html
    assert "<dd class=captured>R499.00</dd>" in html
    assert "<dd class=refunded>R0.00</dd>" in html
    assert f"<code class=payment-id>{paid['id']}</code>" in html
    assert paid["gateway_reference"] and (
        f"<code class=gateway-reference>{paid['gateway_reference']}</code>" in html)
    assert "No refunds." in text and "@media print" in html

    status, _, other = request(box, "GET", f"/sandbox/payments/{paid['id']}/receipt", PIETER)
    assert status == 404 and paid["gateway_reference"] not in other and "R499.00" not in other
    status, _, _ = request(box, "GET", f"/sandbox/payments/{paid['id']}", PIETER)
    assert status == 404
    declined = made["thandi_declined"]["id"]
    status, _, unpaid = request(box, "GET", f"/sandbox/payments/{declined}/receipt", THANDI)
    assert status == 404 and "has no receipt" in unpaid
    status, _, _ = request(box, "GET", "/sandbox/payments/pay_nope/receipt", THANDI)
    assert status == 404


def next_box(html: str) -> tuple[str, str]:
    found = re.search(r"<section id=next-step class='card next-step' data-next='([^']+)'>"
                      r"(.*?)</section>", html, re.S)
    assert found, html[:500]
    return found.group(1), found.group(2)


def test_each_status_page_offers_the_right_next_step(world):
    box, made = world
    kind, step = next_box(page(box, f"/sandbox/payments/{made['thandi_paid']['id']}", THANDI))
    assert kind == "succeeded"
    assert "href='/sandbox/courses/python-101'>Open course</a>" in step
    assert f"/sandbox/payments/{made['thandi_paid']['id']}/receipt" in step

    for key, student, course in (("thandi_declined", THANDI, "data-science"),
                                 ("pieter_cancelled", PIETER, "data-science")):
        kind, step = next_box(page(box, f"/sandbox/payments/{made[key]['id']}", student))
        assert kind == made[key]["status"]
        assert f"action='/sandbox/buy/{course}'" in step and ">Try again</button>" in step

    pending = made["pieter_pending"]
    kind, step = next_box(page(box, f"/sandbox/payments/{pending['id']}", PIETER))
    assert kind == "pending"
    assert f"href='{pending['checkout_url']}'>Return to payment</a>" in step
    assert "updates by itself" in step

    kind, step = next_box(page(box, f"/sandbox/payments/{made['pieter_held']['id']}", PIETER))
    assert kind == "held" and "Do not pay again" in step and "Try again" not in step


def test_an_expired_payment_offers_try_again():
    """Expiry takes a paylink's lifetime in the sandbox, so the page part is checked here."""
    p = payment(paylink="pl_1")
    p.expire(at=T0 + timedelta(hours=2), actor="system")
    assert p.status is PaymentStatus.EXPIRED
    step = next_step(p, "python-101", [], owned=False)
    assert "data-next='expired'" in step and "action='/sandbox/buy/python-101'" in step
    assert ">Try again</button>" in step


def test_after_a_refund_the_student_is_told_about_the_manual_ikhokha_step(world):
    box, made = world
    paid = made["thandi_to_refund"]
    status, _, _ = request(box, "POST", f"/sandbox/admin/payments/{paid['id']}/refund", THANDI)
    assert status == 303
    receipt_path = f"/sandbox/payments/{paid['id']}/receipt"
    html = until(lambda: (h := page(box, receipt_path, THANDI)) and "data-refund=" in h and h,
                 "the refund on the receipt")
    assert "Manual action required" in html and "iKhokha dashboard" in html
    assert "<dd class=refunded>R0.00</dd>" in html  # not counted until confirmed
    kind, step = next_box(page(box, f"/sandbox/payments/{paid['id']}", THANDI))
    assert "Refund of R699.00" in step and "iKhokha dashboard" in step
    assert "manual action required" in unescape(step)

    admin = page(box, "/sandbox/admin", THANDI)
    refund_id = re.search(r"/sandbox/admin/refunds/([^/']+)/confirm", admin).group(1)
    status, _, _ = request(box, "POST", f"/sandbox/admin/refunds/{refund_id}/confirm", THANDI)
    assert status == 303
    html = until(lambda: (h := page(box, receipt_path, THANDI)) and
                 "<dd class=refunded>R699.00</dd>" in h and h, "the confirmed refund")
    assert f"<tr data-refund='{refund_id}'><td>R699.00</td>" in html
    assert "data-status='succeeded'>Refunded</span>" in html
    kind, step = next_box(page(box, f"/sandbox/payments/{paid['id']}", THANDI))
    assert kind == "refunded" and "confirmed" in step and "Open course" not in step
