"""An operator resends a platform webhook from the payment page, in headless Chromium,
against the whole product on loopback (SQLite, outbox, background worker, real iKhokha
adapter and the simulator). The platform is down at first (500), so the deliveries wait
for their next retry; the operator presses "Resend now" and the platform, now up, takes
it. Screenshots at desktop and phone widths go to reports/screenshots/
(webhook-deliveries-*.png); the page may not scroll sideways at either width.
"""

from __future__ import annotations

import asyncio
import base64
import time
from datetime import datetime
from typing import Any

import pytest

from tests.browser.test_operator_console_page import _wait_paid
from tests.browser.test_review_operator_page import DESKTOP, PHONE, _shoot
from tests.support.browser import chromium, require_browser
from tests.support.live_stack import LiveStack, live_stack

pytestmark = pytest.mark.e2e
HOOK = "https://platform.example.test/hooks/payments"


class PlatformStub:
    def __init__(self) -> None:
        self.status, self.sent = 500, 0

    async def send(self, url: str, event_id: str, body: bytes) -> int:
        self.sent += 1
        return self.status


async def _tried_deliveries(stack: LiveStack, payment: dict[str, Any]) -> None:
    """Wait until the worker has tried (and failed) the payment's deliveries."""
    log = stack.container.delivery_store()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        since = datetime.fromisoformat(payment["created_at"].replace("Z", "+00:00"))
        found = await log.mentioning([payment["id"]], since, 50)
        if found and all(d.attempts >= 1 for d in found):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the worker never tried the deliveries")


def _drive(base_url: str, token: str, payment_id: str) -> dict[str, Any]:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    seen: dict[str, Any] = {}
    with chromium() as driver:
        wait = WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,))
        driver.get(base_url + "/admin")
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.ID, "sign-in").click()
        wait.until(lambda d: d.find_elements(By.ID, "nav-payments"))
        driver.get(f"{base_url}/admin/payment?id={payment_id}")
        wait.until(lambda d: d.find_elements(By.ID, "deliveries"))
        seen["before"] = driver.find_element(By.ID, "deliveries").text
        _shoot(driver, "webhook-deliveries-desktop", DESKTOP, mobile=False)
        _shoot(driver, "webhook-deliveries-phone", PHONE, mobile=True)
        item = next(li for li in driver.find_elements(By.CSS_SELECTOR, "li.delivery")
                    if "PaymentSucceeded" in li.text)
        delivery_id = item.get_attribute("data-delivery-id")
        item.find_element(By.CSS_SELECTOR, "form.resend button").click()
        wait.until(lambda d: d.find_elements(By.ID, "flash"))
        seen["flash"] = driver.find_element(By.ID, "flash").text
        seen["status"] = driver.find_element(
            By.CSS_SELECTOR, f"li.delivery[data-delivery-id='{delivery_id}']"
        ).get_attribute("data-status")
        seen["timeline"] = driver.find_element(By.ID, "timeline").text
        _shoot(driver, "webhook-deliveries-resent-phone", PHONE, mobile=True)
    return seen


async def test_an_operator_resends_a_platform_webhook():
    require_browser()
    platform = PlatformStub()
    secret = "whsec_" + base64.b64encode(b"s" * 32).decode()
    async with live_stack(lambda c: c.webhook_sender.override(platform),
                          SKILLPAY_PLATFORM_WEBHOOK_URLS=HOOK,
                          SKILLPAY_PLATFORM_WEBHOOK_SECRET=secret,
                          SKILLPAY_WORKER_INTERVAL_MS="100") as stack:
        enrollment = await stack.enrollment(student="stu-hook")
        status, payment = await stack.checkout(enrollment["id"], student="stu-hook",
                                               key="webhook-resend-0001")
        assert status == 201, payment
        await stack.control.settle(payment["gateway_reference"], "pay")
        await _wait_paid(stack, payment["id"], "stu-hook")
        await _tried_deliveries(stack, payment)
        platform.status = 204  # the platform is back
        token = stack.tokens.mint("ops", "admin")
        seen = await asyncio.to_thread(_drive, stack.base_url, token, payment["id"])

    assert HOOK in seen["before"] and "HTTP 500" in seen["before"]
    assert "resent to" in seen["flash"] and "HTTP 204" in seen["flash"]
    assert seen["status"] == "delivered"
    assert "Webhook resent" in seen["timeline"]
