"""The sandbox course list knows what the student already has: a paid course shows as
"Owned — open course" (no Buy), a checkout in progress as "Return to payment", and Buy
never opens a second purchase: a double click, or several Buys at once, give one paylink;
after a declined payment, Buy pays the same enrollment again.

Runs `skillpay sandbox` for real (API + iK Pay simulator) and drives it with headless
Chromium and plain HTTP. Screenshots of the course list land in reports/screenshots/.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_sandbox_browser import wait_for_status
from tests.e2e.test_sandbox_process import call, start_sandbox, wait_live
from tests.support.browser import chromium, require_browser
from tests.support.live_stack import free_port

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).resolve().parents[2] / "reports" / "screenshots"


@dataclass
class Sandbox:
    port: int
    sim_port: int
    output: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def token(self, sub: str) -> str:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            for line in list(self.output):
                parts = line.split()
                if len(parts) == 2 and parts[0] == sub:
                    return parts[1]
            time.sleep(0.1)
        raise AssertionError(f"the sandbox printed no token for {sub}")

    def paylinks(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.sim_port}/_sim/state",
                                    timeout=10) as r:
            return json.loads(r.read())["paylinks"]  # type: ignore[no-any-return]

    def buy(self, course: str, student: str) -> tuple[int, str]:
        """POST Buy as a form would, without following the redirect."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("POST", f"/sandbox/buy/{course}", body=b"", headers={
                "Cookie": f"sandbox_student={student}",
                "Content-Type": "application/x-www-form-urlencoded"})
            r = conn.getresponse()
            r.read()
            return r.status, r.getheader("Location") or ""
        finally:
            conn.close()

    def buy_requests(self) -> int:
        """POSTs to the Buy route the app has answered (its own request metrics)."""
        with urllib.request.urlopen(self.base + "/metrics", timeout=10) as r:
            lines = r.read().decode().splitlines()
        prefix = 'skillpay_http_requests_total{method="POST",route="/sandbox/buy/'
        return int(sum(float(line.rsplit(" ", 1)[1]) for line in lines
                       if line.startswith(prefix)))

    def payments(self, student: str) -> list[dict[str, Any]]:
        return call(self.port, "GET", "/api/v1/payments?limit=100",  # type: ignore[no-any-return]
                    self.token(student))["items"]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> Iterator[Sandbox]:
    port, sim_port = free_port(), free_port()
    proc = start_sandbox(tmp_path_factory.mktemp("sandbox"), port, sim_port)
    box = Sandbox(port, sim_port)
    reader = threading.Thread(target=lambda: box.output.extend(iter(proc.stdout.readline, "")),
                              daemon=True)  # drained, so its logs never fill the pipe
    reader.start()
    try:
        assert wait_live(port), "the sandbox did not start:\n" + "".join(box.output)
        yield box
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except Exception:
            proc.kill()
        reader.join(timeout=5)


def _card(driver: Any, course: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, f"[data-course='{course}']")


def _shoot(driver: Any, name: str, width: int, height: int, *, mobile: bool) -> Path:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px"
    return path


def test_double_click_gives_one_paylink_and_a_paid_course_shows_as_owned(sandbox):
    require_browser()
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import url_contains
    from selenium.webdriver.support.ui import WebDriverWait

    SHOTS.mkdir(parents=True, exist_ok=True)
    before, posts = len(sandbox.paylinks()), sandbox.buy_requests()
    with chromium() as driver:
        wait = WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,))
        driver.get(sandbox.base + "/sandbox")  # Thandi, the default student
        buy = _card(driver, "python-101").find_element(By.CSS_SELECTOR, "button.buy")
        # Two quick clicks, the second while the first is on its way. (WebDriver's own
        # double click makes Chromium send a single POST, which would prove nothing.)
        driver.execute_script(
            "arguments[0].click(); setTimeout(() => arguments[0].click(), 30)", buy)
        wait.until(url_contains(f"127.0.0.1:{sandbox.sim_port}/checkout/"))
        WebDriverWait(driver, 20).until(lambda _: sandbox.buy_requests() >= posts + 2)
        checkout = driver.current_url
        links = sandbox.paylinks()
        assert len(links) == before + 1, links
        assert checkout.endswith("/checkout/" + links[-1]["paylinkID"])

        driver.get(sandbox.base + "/sandbox")  # the checkout is resumed, not bought again
        card = _card(driver, "python-101")
        assert card.get_attribute("data-state") == "checkout"
        resume = card.find_element(By.LINK_TEXT, "Return to payment")
        assert resume.get_attribute("href") == checkout
        assert not card.find_elements(By.CSS_SELECTOR, "button")
        shots = [_shoot(driver, "sandbox-courses-return-to-payment-phone", 390, 844,
                        mobile=True)]
        resume = _card(driver, "python-101").find_element(By.LINK_TEXT, "Return to payment")
        resume.click()
        wait.until(url_contains(f"127.0.0.1:{sandbox.sim_port}/checkout/"))
        assert driver.current_url == checkout
        driver.find_element(By.XPATH, "//button[text()='Pay']").click()
        wait.until(url_contains(f"127.0.0.1:{sandbox.port}/sandbox/payments/pay_"))
        wait_for_status(driver, "succeeded", "active")

        driver.get(sandbox.base + "/sandbox")
        owned = _card(driver, "python-101")
        assert owned.get_attribute("data-state") == "owned"
        assert owned.find_element(By.CSS_SELECTOR, "a.owned").text == "Owned — open course"
        assert not owned.find_elements(By.CSS_SELECTOR, "button, form")
        assert "Buy" not in owned.text
        for other in ("data-science", "web-dev"):  # untouched courses can still be bought
            assert _card(driver, other).find_elements(By.CSS_SELECTOR, "button.buy")
        shots += [_shoot(driver, "sandbox-courses-owned-desktop", 1280, 900, mobile=False),
                  _shoot(driver, "sandbox-courses-owned-phone", 390, 844, mobile=True)]

        _card(driver, "python-101").find_element(By.CSS_SELECTOR, "a.owned").click()
        wait.until(url_contains("/sandbox/courses/python-101"))
        assert "Course unlocked" in driver.find_element(By.TAG_NAME, "body").text

    # Buying an owned course (an old tab, a replayed form) opens it; nothing is charged.
    status, location = sandbox.buy("python-101", "student-thandi")
    assert (status, location) == (303, "/sandbox/courses/python-101")
    assert sandbox.buy_requests() == posts + 3  # both clicks reached the app, and this
    assert len(sandbox.paylinks()) == before + 1
    payments = sandbox.payments("student-thandi")
    assert len(payments) == 1 and payments[0]["status"] == "succeeded"
    assert all(p.stat().st_size > 0 for p in shots)


def test_buys_at_the_same_moment_share_one_checkout(sandbox):
    before = len(sandbox.paylinks())
    start = threading.Barrier(6)

    def click(_: int) -> tuple[int, str]:
        start.wait()
        return sandbox.buy("web-dev", "student-pieter")

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(click, range(6)))
    assert {status for status, _ in answers} == {303}, answers
    assert len({location for _, location in answers}) == 1, answers
    assert len(sandbox.paylinks()) == before + 1
    payments = [p for p in sandbox.payments("student-pieter")
                if p["checkout_url"] == answers[0][1]]
    assert len(payments) == 1
    again = sandbox.buy("web-dev", "student-pieter")  # later: the same checkout again
    assert again == answers[0]


def test_after_a_declined_payment_buy_pays_the_same_enrollment(sandbox):
    status, first = sandbox.buy("data-science", "student-pieter")
    assert status == 303
    paylink = first.rsplit("/", 1)[-1]
    with urllib.request.urlopen(urllib.request.Request(
            f"http://127.0.0.1:{sandbox.sim_port}/_sim/paylinks/{paylink}/settle",
            data=b'{"outcome": "decline"}', method="POST",
            headers={"Content-Type": "application/json"}), timeout=10):
        pass
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # the callback reaches the API
        declined = [p for p in sandbox.payments("student-pieter") if p["checkout_url"] == first]
        if declined and declined[0]["status"] == "failed":
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the decline never arrived")
    status, second = sandbox.buy("data-science", "student-pieter")
    assert status == 303 and second != first
    mine = {p["checkout_url"]: p for p in sandbox.payments("student-pieter")}
    assert mine[second]["enrollment_id"] == mine[first]["enrollment_id"]
    assert mine[second]["status"] in ("created", "pending")
