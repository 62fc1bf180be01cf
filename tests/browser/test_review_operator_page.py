"""Resolving a held payment on the operator page, in headless Chromium, against the whole
product on loopback (real iKhokha adapter talking to the iK Pay simulator).

The simulator is told to report another amount for two paid checkouts, so both are held
for review with money captured. The admin signs in, types a reason and clicks "Accept
payment" on one: it leaves the review list, the course unlocks, and the audit trail names
the admin and the reason. Screenshots of the page at desktop and phone widths are saved
to reports/screenshots/ for people to look at.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import chromium, require_browser
from tests.support.live_stack import LiveStack, live_stack

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "reports" / "screenshots"
REASON = "Student paid R1 less (bank fee); confirmed by phone, accepting"
DESKTOP, PHONE = (1280, 900), (390, 844)


async def _wait_held(stack: LiveStack, payment_id: str, student: str) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        status, body = await stack.call("GET", f"/api/v1/payments/{payment_id}",
                                        headers=stack.auth(student))
        if status == 200 and body["review_reason"]:
            return body  # type: ignore[no-any-return]
        await asyncio.sleep(0.1)
    raise AssertionError(f"payment {payment_id} was never held for review")


async def _seed(stack: LiveStack) -> list[str]:
    """Two paid, one declined, and two paid with another amount (held); returns the held."""
    held = []
    plan = [("pay", None), ("pay", None), ("decline", None), ("pay", 49800), ("pay", 89000)]
    for n, (outcome, tampered) in enumerate(plan, start=1):
        student = f"student-{n}"
        enrollment = await stack.enrollment(student=student)
        status, payment = await stack.checkout(enrollment["id"], student=student,
                                               key=f"review-seed-{n:06d}")
        assert status == 201, payment
        if tampered is not None:  # iKhokha will report (and capture) another amount
            await stack.control.tamper(payment["gateway_reference"], tampered)
        await stack.control.settle(payment["gateway_reference"], outcome)
        if tampered is not None:
            held.append((await _wait_held(stack, payment["id"], student))["id"])
    return held


def _review_ids(driver: Any) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.get_attribute("data-payment-id")
            for e in driver.find_elements(By.CSS_SELECTOR, "#review [data-payment-id]")]


def _shoot(driver: Any, name: str, size: tuple[int, int], *, mobile: bool) -> Path:
    """A screenshot of exactly `size` CSS pixels (phone: emulated, so the viewport meta
    applies as on a real phone), plus a full-length one for the rest of the page."""
    width, height = size
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
    driver.execute_script("window.scrollTo(0, 0)")
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    full = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": int(full), "deviceScaleFactor": 1, "mobile": mobile})
    driver.save_screenshot(str(SHOTS / f"{name}-full.png"))
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px"
    return path


def _drive(base_url: str, token: str, accept: str, keep: str) -> dict[str, Any]:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as driver:  # the page is replaced under a waiting lambda: read again
        wait = WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,))
        driver.get(base_url + "/admin")
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.ID, "sign-in").click()
        wait.until(lambda d: d.find_elements(By.ID, "review"))
        before = _review_ids(driver)
        shots = [_shoot(driver, "admin-review-desktop", DESKTOP, mobile=False),
                 _shoot(driver, "admin-review-phone", PHONE, mobile=True)]

        item = driver.find_element(By.CSS_SELECTOR, f"[data-payment-id='{accept}']")
        # The reason is required by the browser too: Accept with no reason sends nothing.
        item.find_element(By.XPATH, ".//button[text()='Accept payment']").click()
        assert item.find_element(By.TAG_NAME, "textarea").get_attribute(
            "validationMessage"), "an empty reason must be refused by the form"
        item.find_element(By.TAG_NAME, "textarea").send_keys(REASON)
        item.find_element(By.XPATH, ".//button[text()='Accept payment']").click()
        wait.until(lambda d: accept not in _review_ids(d) and d.find_elements(By.ID, "flash"))
        seen = {"before": before, "after": _review_ids(driver),
                "flash": driver.find_element(By.ID, "flash").text,
                "flash_class": driver.find_element(By.ID, "flash").get_attribute("class"),
                "url": driver.current_url}
        shots.append(_shoot(driver, "admin-review-accepted-desktop", DESKTOP, mobile=False))
        seen["shots"] = shots
        driver.refresh()  # the message is shown once
        wait.until(lambda d: d.find_elements(By.ID, "review"))
        seen["flash_after_refresh"] = driver.find_elements(By.ID, "flash")
        assert keep in _review_ids(driver)
        return seen


async def test_an_admin_accepts_a_held_payment_from_the_operator_page():
    require_browser()
    async with live_stack() as stack:
        accept, keep = await _seed(stack)
        token = stack.tokens.mint("ops", "admin")
        seen = await asyncio.to_thread(_drive, stack.base_url, token, accept, keep)
        admin = stack.auth("ops", "admin")
        status, trail = await stack.call("GET", f"/api/v1/payments/{accept}/audit",
                                         headers=admin)
        _, payment = await stack.call("GET", f"/api/v1/payments/{accept}", headers=admin)
        _, enrollment = await stack.call(
            "GET", f"/api/v1/enrollments/{payment['enrollment_id']}", headers=admin)
        _, other = await stack.call("GET", f"/api/v1/payments/{keep}", headers=admin)

    assert sorted(seen["before"]) == sorted([accept, keep])
    assert seen["after"] == [keep]
    assert seen["flash"] == f"Payment {accept} accepted: course unlocked."
    assert "ok" in seen["flash_class"].split()
    assert seen["url"] == stack.base_url + "/admin?window=24h"
    assert not seen["flash_after_refresh"]
    assert status == 200
    accepted = [e for e in trail["items"] if e["action"] == "review_accepted"]
    assert len(accepted) == 1, trail
    assert accepted[0]["actor"] == "admin:ops" and REASON in accepted[0]["reason"]
    assert payment["status"] == "succeeded" and payment["review_reason"] is None
    assert payment["captured_amount"] == {"amount": 49800, "currency": "ZAR"}
    assert enrollment["status"] == "active"
    assert other["review_reason"] == "amount_mismatch"  # the other one was left alone
    assert all(p.stat().st_size > 0 for p in seen["shots"])
