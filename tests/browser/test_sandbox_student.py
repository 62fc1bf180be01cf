"""A student's whole purchase in headless Chromium: buy a course in the sandbox, pay on
the simulator's hosted checkout page, see the course as owned, find the payment under
"My payments" and open its printable receipt, on a desktop (1280x900) and a phone
(390x844) without sideways scrolling.

Runs `skillpay sandbox` for real in its own process. Screenshots land in
reports/screenshots/ (sandbox-student-*.png and simulator-checkout-*.png).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_sandbox_browser import wait_for_status
from tests.e2e.test_sandbox_process import start_sandbox, stop, wait_live
from tests.support.browser import chromium, require_browser
from tests.support.live_stack import free_port

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).resolve().parents[2] / "reports" / "screenshots"
SIZES = (("desktop", 1280, 900, False), ("phone", 390, 844, True))


@pytest.fixture
def sandbox(tmp_path) -> Iterator[tuple[int, int]]:
    port, sim_port = free_port(), free_port()
    proc = start_sandbox(tmp_path, port, sim_port)
    try:
        assert wait_live(port), "the sandbox did not start"
        yield port, sim_port
    finally:
        stop(proc)


def shoot(driver: Any, name: str) -> list[Path]:
    """A screenshot per size; each size must fit the width (no sideways scroll)."""
    paths = []
    for size, width, height, mobile in SIZES:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        path = SHOTS / f"{name}-{size}.png"
        driver.save_screenshot(str(path))
        overflow = driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        assert overflow <= 0, f"{name}-{size}: the page scrolls sideways by {overflow}px"
        paths.append(path)
    return paths


def test_a_student_buys_pays_owns_the_course_and_opens_the_receipt(sandbox):
    require_browser()
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import url_contains
    from selenium.webdriver.support.ui import WebDriverWait

    port, sim_port = sandbox
    base = f"http://127.0.0.1:{port}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    with chromium() as driver:
        wait = WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,))
        driver.get(base + "/sandbox/as/student-pieter")
        wait.until(lambda d: "Pieter" in d.find_element(By.TAG_NAME, "header").text)
        driver.find_element(By.CSS_SELECTOR, "[data-course='data-science'] button.buy").click()
        wait.until(url_contains(f"127.0.0.1:{sim_port}/checkout/"))

        # The hosted page: merchant, course, amount in rand, a card form that takes nothing.
        assert driver.find_element(By.CSS_SELECTOR, ".merchant").text == "Pay Beta Skill"
        headline = driver.find_element(By.CSS_SELECTOR, "h1.item").text
        assert headline and "enr_" not in headline
        assert driver.find_element(By.CSS_SELECTOR, ".amount").text == "R899.00"
        assert not driver.find_elements(By.CSS_SELECTOR, "input, select, textarea")
        shots += shoot(driver, "simulator-checkout")
        driver.find_element(By.XPATH, "//button[text()='Pay']").click()

        wait.until(url_contains(f"127.0.0.1:{port}/sandbox/payments/pay_"))
        wait_for_status(driver, "succeeded", "active")
        payment_id = driver.current_url.rsplit("/", 1)[-1]
        wait.until(lambda d: d.find_elements(By.LINK_TEXT, "Open course"))
        assert driver.find_element(By.LINK_TEXT, "Open course").get_attribute(
            "href") == base + "/sandbox/courses/data-science"
        shots += shoot(driver, "sandbox-student-paid")

        driver.get(base + "/sandbox")
        card = driver.find_element(By.CSS_SELECTOR, "[data-course='data-science']")
        assert card.get_attribute("data-state") == "owned"
        assert card.find_element(By.CSS_SELECTOR, "a.owned").text == "Owned — open course"

        driver.find_element(By.LINK_TEXT, "My payments").click()
        wait.until(url_contains("/sandbox/payments"))
        row = driver.find_element(By.CSS_SELECTOR, f"li[data-payment='{payment_id}']")
        assert "Data Science Foundations" in row.text and "R899.00" in row.text
        assert "Paid" in row.text
        shots += shoot(driver, "sandbox-student-my-payments")

        row.find_element(By.LINK_TEXT, "Receipt").click()
        wait.until(url_contains(f"/sandbox/payments/{payment_id}/receipt"))
        receipt = driver.find_element(By.CSS_SELECTOR, "article.receipt")
        for fact in ("Beta Skill", "Data Science Foundations", "R899.00", payment_id):
            assert fact in receipt.text
        assert driver.find_element(By.CSS_SELECTOR, "dd.captured").text == "R899.00"
        assert driver.find_element(By.CSS_SELECTOR, "dd.refunded").text == "R0.00"
        shots += shoot(driver, "sandbox-student-receipt")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        assert not driver.find_element(By.TAG_NAME, "nav").is_displayed()  # print: receipt only
        assert receipt.is_displayed()
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert all(p.stat().st_size > 0 for p in shots)
