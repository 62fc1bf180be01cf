"""The operator's Risk page in headless Chromium, against the whole product on loopback
(real iKhokha adapter, iK Pay simulator): a student blocked by the checkout limit and a
student put up for review by a decline show on /admin/risk with their audit entries; the
admin opens the page from the operator page's navigation, lifts the block with a reason,
and the student may check out again. Screenshots at 1280 and 390 px are saved to
reports/screenshots/ (risk-*.png) for people to look at.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tests.browser.test_review_operator_page import DESKTOP, PHONE, SHOTS, _shoot
from tests.support.browser import chromium, require_browser
from tests.support.live_stack import LiveStack, live_stack

pytestmark = pytest.mark.e2e
REASON = "Spoke to the student: the bank page kept timing out"


async def _set_rule(stack: LiveStack, rule_id: str, **changes: Any) -> None:
    admin = stack.auth("ops", "admin")
    _, rules = await stack.call("GET", "/api/v1/admin/risk/rules", headers=admin)
    rule = next(r for r in rules["items"] if r["id"] == rule_id)
    body = {k: v for k, v in rule.items() if k not in ("updated_at", "updated_by")}
    status, answer = await stack.call("PUT", "/api/v1/admin/risk/rules", headers=admin,
                                      json={**body, **changes})
    assert status == 200, answer


async def _flags(stack: LiveStack) -> list[dict[str, Any]]:
    _, body = await stack.call("GET", "/api/v1/admin/risk/flags",
                               headers=stack.auth("ops", "admin"))
    return body["items"]  # type: ignore[no-any-return]


async def _wait_for_flag(stack: LiveStack, rule_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = [f for f in await _flags(stack) if f["rule_id"] == rule_id]
        if found:
            return found[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {rule_id} flag was raised")


async def _checkout(stack: LiveStack, student: str, n: int) -> tuple[int, Any]:
    enrollment = await stack.enrollment(student=student)
    return await stack.checkout(enrollment["id"], student=student, key=f"risk-page-{n:08d}")


async def _seed(stack: LiveStack) -> tuple[dict[str, Any], dict[str, Any]]:
    await _set_rule(stack, "checkouts_per_student_hour", limit=2)
    await _set_rule(stack, "declines_per_student_day", limit=1, outcome="review")
    answers = [await _checkout(stack, "student-fast", n) for n in range(3)]
    assert [s for s, _ in answers] == [201, 201, 403], answers
    status, declined = await _checkout(stack, "student-declined", 10)
    assert status == 201, declined
    await stack.control.settle(declined["gateway_reference"], "decline")
    review = await _wait_for_flag(stack, "declines_per_student_day")
    return await _wait_for_flag(stack, "checkouts_per_student_hour"), review


def _ids(driver: Any, section: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.get_attribute("data-flag-id")
            for e in driver.find_elements(By.CSS_SELECTOR, f"#{section} [data-flag-id]")]


def _drive(base_url: str, token: str, block_id: str) -> dict[str, Any]:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as driver:
        wait = WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,))
        driver.get(base_url + "/admin")
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.ID, "sign-in").click()
        wait.until(lambda d: d.find_elements(By.ID, "nav-risk"))
        driver.find_element(By.ID, "nav-risk").click()
        wait.until(lambda d: d.find_elements(By.ID, "blocks"))
        seen: dict[str, Any] = {"blocks": _ids(driver, "blocks"),
                                "reviews": _ids(driver, "reviews"),
                                "text": driver.find_element(By.TAG_NAME, "body").text}
        shots = [_shoot(driver, "risk-desktop", DESKTOP, mobile=False),
                 _shoot(driver, "risk-phone", PHONE, mobile=True)]
        item = driver.find_element(By.CSS_SELECTOR, f"#blocks [data-flag-id='{block_id}']")
        item.find_element(By.XPATH, ".//button[text()='Lift block']").click()
        assert item.find_element(By.TAG_NAME, "textarea").get_attribute(
            "validationMessage"), "an empty reason must be refused by the form"
        item.find_element(By.TAG_NAME, "textarea").send_keys(REASON)
        item.find_element(By.XPATH, ".//button[text()='Lift block']").click()
        wait.until(lambda d: d.find_elements(By.ID, "flash")
                   and block_id in _ids(d, "ended"))
        seen |= {"flash": driver.find_element(By.ID, "flash").text,
                 "after_blocks": _ids(driver, "blocks"), "url": driver.current_url,
                 "ended_text": driver.find_element(By.ID, "ended").text}
        shots.append(_shoot(driver, "risk-lifted-desktop", DESKTOP, mobile=False))
        shots.append(_shoot(driver, "risk-lifted-phone", PHONE, mobile=True))
        seen["shots"] = shots
        return seen


async def test_an_operator_sees_blocks_and_reviews_and_lifts_a_block():
    require_browser()
    async with live_stack() as stack:
        block, review = await _seed(stack)
        token = stack.tokens.mint("ops", "admin")
        seen = await asyncio.to_thread(_drive, stack.base_url, token, block["id"])
        again, _ = await _checkout(stack, "student-fast", 20)
        flags = {f["id"]: f for f in await _flags(stack)}

    assert seen["blocks"] == [block["id"]] and seen["reviews"] == [review["id"]]
    assert "student-fast" in seen["text"] and "student-declined" in seen["text"]
    assert "Repeated declines for one student" in seen["text"]  # the operator's words
    assert seen["flash"].startswith("Block lifted: student student-fast")
    assert seen["after_blocks"] == [] and seen["url"] == stack.base_url + "/admin/risk"
    assert REASON in seen["ended_text"]
    assert again == 201
    lifted = flags[block["id"]]
    assert lifted["status"] == "lifted" and lifted["lifted_by"] == "admin:ops"
    assert [e["action"] for e in lifted["audit"]] == ["risk_block", "risk_block_lifted"]
    assert [e["action"] for e in flags[review["id"]]["audit"]] == ["risk_review"]
    assert all(p.stat().st_size > 0 for p in seen["shots"])
