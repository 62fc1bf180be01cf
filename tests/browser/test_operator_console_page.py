"""The operator console in headless Chromium against the whole product on loopback (real
iKhokha adapter talking to the iK Pay simulator, so a refund needs manual action).

An admin signs in, follows "Find a payment", searches by student id, opens the payment,
reads its timeline, refunds it (reason typed, amount in cents prefilled) and confirms the
manual refund with iKhokha's reference. Screenshots at desktop and phone widths are saved
to reports/screenshots/operator-console-*.png; no page may scroll sideways.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_review_operator_page import DESKTOP, PHONE, SHOTS, _shoot
from tests.support.browser import chromium, require_browser
from tests.support.live_stack import LiveStack, live_stack

pytestmark = pytest.mark.e2e

REASON = "Student cancelled within the cooling-off period"
REFERENCE = "IK-RF-20261203-7781"


async def _wait_paid(stack: LiveStack, payment_id: str, student: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        status, body = await stack.call("GET", f"/api/v1/payments/{payment_id}",
                                        headers=stack.auth(student))
        if status == 200 and body["status"] == "succeeded":
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"payment {payment_id} never succeeded")


async def _seed(stack: LiveStack) -> str:
    """Two paid payments for a student with a long id and one for another student; returns
    the student's newest payment."""
    mine = ""
    for n, student in enumerate(["stu-9f3c2a7e-4b1d-4e8a-9c55-longer-id", "stu-other",
                                 "stu-9f3c2a7e-4b1d-4e8a-9c55-longer-id"], start=1):
        enrollment = await stack.enrollment(student=student)
        status, payment = await stack.checkout(enrollment["id"], student=student,
                                               key=f"console-seed-{n:06d}")
        assert status == 201, payment
        await stack.control.settle(payment["gateway_reference"], "pay")
        await _wait_paid(stack, payment["id"], student)
        mine = payment["id"] if student != "stu-other" else mine
    return mine


def _drive(base_url: str, token: str, student: str, payment_id: str) -> dict[str, Any]:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    SHOTS.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    seen: dict[str, Any] = {"shots": shots}
    with chromium() as driver:
        wait = WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,))

        def shoot(name: str) -> None:
            shots.append(_shoot(driver, f"operator-console-{name}-desktop", DESKTOP,
                                mobile=False))
            shots.append(_shoot(driver, f"operator-console-{name}-phone", PHONE, mobile=True))

        def flash() -> tuple[str, str]:
            element = driver.find_element(By.ID, "flash")
            return element.text, element.get_attribute("class")

        driver.get(base_url + "/admin")
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.ID, "sign-in").click()
        wait.until(lambda d: d.find_elements(By.ID, "nav-payments"))
        driver.find_element(By.ID, "nav-payments").click()
        wait.until(lambda d: d.find_elements(By.ID, "search"))
        driver.find_element(By.ID, "f-student_id").send_keys(student)
        driver.find_element(By.ID, "search-go").click()
        wait.until(lambda d: "student_id=" in d.current_url and d.find_elements(
            By.CSS_SELECTOR, "#payments [data-payment-id]"))
        seen["listed"] = [e.get_attribute("data-payment-id") for e in
                          driver.find_elements(By.CSS_SELECTOR, "#payments [data-payment-id]")]
        seen["csv"] = driver.find_element(By.ID, "download-csv").get_attribute("href")
        shoot("list")

        driver.find_element(By.LINK_TEXT, payment_id).click()
        wait.until(lambda d: d.find_elements(By.ID, "timeline"))
        seen["timeline"] = driver.find_element(By.ID, "timeline").text
        shoot("payment")

        reason = driver.find_element(By.ID, "refund-reason")
        driver.find_element(By.ID, "refund-go").click()  # no reason: the form refuses
        seen["empty_reason_refused"] = bool(reason.get_attribute("validationMessage"))
        amount = driver.find_element(By.ID, "refund-amount")
        seen["amount_prefilled"] = amount.get_attribute("value")
        amount.clear()
        amount.send_keys("12050")
        reason.send_keys(REASON)
        driver.find_element(By.ID, "refund-go").click()
        wait.until(lambda d: d.find_elements(By.ID, "flash"))
        seen["refund_flash"] = flash()
        seen["refund_url"] = driver.current_url
        shoot("refund-recorded")

        driver.find_element(By.CSS_SELECTOR, "form.confirm input[name=gateway_reference]") \
            .send_keys(REFERENCE)
        driver.find_element(By.XPATH, "//button[text()='Confirm refund made']").click()
        wait.until(lambda d: d.find_elements(By.ID, "flash")
                   and "confirmed" in d.find_element(By.ID, "flash").text)
        seen["confirm_flash"] = flash()
        seen["timeline_after"] = driver.find_element(By.ID, "timeline").text
        shoot("refund-confirmed")
    return seen


async def test_an_operator_finds_a_payment_and_refunds_it():
    require_browser()
    async with live_stack() as stack:
        payment_id = await _seed(stack)
        student = "stu-9f3c2a7e-4b1d-4e8a-9c55-longer-id"
        token = stack.tokens.mint("ops", "admin")
        seen = await asyncio.to_thread(_drive, stack.base_url, token, student, payment_id)
        _, payment = await stack.call("GET", f"/api/v1/payments/{payment_id}",
                                      headers=stack.auth("ops", "admin"))

    assert len(seen["listed"]) == 2 and seen["listed"][0] == payment_id
    assert seen["csv"].endswith(f"/admin/payments.csv?student_id={student}")
    assert "Payment created" in seen["timeline"]
    assert "(pending → succeeded)" in seen["timeline"]
    assert seen["empty_reason_refused"]
    assert seen["amount_prefilled"] == "49900"
    text, css = seen["refund_flash"]
    assert "of 120.50 ZAR recorded and reserved" in text and "ok" in css.split()
    assert seen["refund_url"] == f"{stack.base_url}/admin/payment?id={payment_id}"
    text, css = seen["confirm_flash"]
    assert f"confirmed with iKhokha reference {REFERENCE}" in text and "ok" in css.split()
    assert "Refund requested" in seen["timeline_after"]
    assert payment["refunded_amount"] == {"amount": 12050, "currency": "ZAR"}
    assert payment["status"] == "partially_refunded"
    assert all(p.stat().st_size > 0 for p in seen["shots"])
