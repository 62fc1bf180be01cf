"""The sandbox walk-through in headless Chromium: a student buys a course, and paying,
declining or cancelling on the simulator's page each end on the right page with the
right enrollment state. Screenshots land in artifacts/ (kept by CI as evidence)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.test_sandbox_process import start_sandbox, stop, wait_live
from tests.support.browser import chromium, require_browser
from tests.support.live_stack import free_port

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).parents[2] / "artifacts"
ENDINGS = [("Pay", "python-101", "succeeded", "active"),
           ("Decline", "data-science", "failed", "pending_payment"),
           ("Cancel", "web-dev", "cancelled", "pending_payment")]


def wait_for_status(driver, payment: str, enrollment: str, timeout: float = 20.0) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    deadline, shown = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            shown = (driver.find_element(By.ID, "payment-status").get_attribute("data-status"),
                     driver.find_element(By.ID, "enrollment-status").get_attribute(
                         "data-status"))
        except StaleElementReferenceException:  # the page was replaced under us: read again
            continue
        if shown == (payment, enrollment):
            return
        time.sleep(0.2)
    raise AssertionError(f"page shows {shown}, expected {(payment, enrollment)}")


def test_pay_decline_and_cancel_each_end_on_the_right_page(tmp_path):
    require_browser()
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import url_contains
    from selenium.webdriver.support.ui import WebDriverWait

    ARTIFACTS.mkdir(exist_ok=True)
    port, sim_port = free_port(), free_port()
    proc = start_sandbox(tmp_path, port, sim_port)
    try:
        assert wait_live(port)
        with chromium() as driver:
            wait = WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,))
            paid_url = ""
            for button, course, payment_status, enrollment_status in ENDINGS:
                driver.get(f"http://127.0.0.1:{port}/sandbox")
                driver.find_element(By.CSS_SELECTOR, f"[data-course='{course}'] button").click()
                wait.until(url_contains(f"127.0.0.1:{sim_port}/checkout/"))
                driver.find_element(By.XPATH, f"//button[text()='{button}']").click()
                wait.until(url_contains(f"127.0.0.1:{port}/sandbox/payments/pay_"))
                wait_for_status(driver, payment_status, enrollment_status)
                if button == "Pay":
                    paid_url = driver.current_url
                message = driver.find_element(By.ID, "message").text
                assert message, "the student is always told what to do next"
                driver.save_screenshot(str(ARTIFACTS / f"sandbox-{button.lower()}.png"))
            driver.get(f"http://127.0.0.1:{port}/sandbox/admin")
            statuses = [td.text for td in driver.find_elements(By.CSS_SELECTOR,
                                                                 "td.payment-status")]
            assert sorted(statuses) == ["cancelled", "failed", "succeeded"]
            driver.save_screenshot(str(ARTIFACTS / "sandbox-admin.png"))
            # The admin refunds the paid course: manual at iKhokha, counted once confirmed.
            driver.find_element(By.CSS_SELECTOR, "button.refund").click()
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "button.confirm-refund"))
            driver.find_element(By.CSS_SELECTOR, "button.confirm-refund").click()
            # Read in one script: the page reloads while it is watched, and an element
            # found before a reload and read after it is an error, not a retry.
            wait.until(lambda d: "refunded" in d.execute_script(
                "return [...document.querySelectorAll('td.payment-status')]"
                ".map(td => td.textContent.trim())"))
            driver.save_screenshot(str(ARTIFACTS / "sandbox-admin-refunded.png"))
            driver.get(paid_url)
            wait_for_status(driver, "refunded", "revoked")
            paid_page = driver.find_element(By.ID, "message").text
            assert "refunded" in paid_page
    finally:
        stop(proc)
