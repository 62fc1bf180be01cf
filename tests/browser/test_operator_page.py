"""The operator page in headless Chromium: sign in with the admin token, see the charts
drawn from seeded payments, and the payment held for review. Saves a screenshot to
artifacts/ for humans."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from application.ports import UnitOfWork
from tests.support.browser import chromium, require_browser
from tests.support.live_stack import LiveStack, live_stack

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


async def _seed(stack: LiveStack) -> str:
    """2 paid, 1 declined, 1 pending and held for review; returns the held payment id."""
    outcomes = ["pay", "pay", "decline", None]
    held = ""
    for n, outcome in enumerate(outcomes, start=1):
        enrollment = await stack.enrollment(student=f"stu-{n}")
        status, payment = await stack.checkout(enrollment["id"], student=f"stu-{n}",
                                               key=f"browser-seed-{n:06d}")
        assert status == 201, payment
        if outcome:
            await stack.control.settle(payment["gateway_reference"], outcome)
        else:
            held = payment["id"]

    async def flag(uow: UnitOfWork) -> None:
        payment = await uow.payments.get(held)
        assert payment is not None
        payment.flag_for_review("amount_mismatch", at=payment.updated_at)

    await stack.container.tx().run(flag)
    return held


def _drive(base_url: str, token: str, shot: Path) -> dict:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    with chromium() as driver:
        driver.get(base_url + "/admin")
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.ID, "sign-in").click()
        WebDriverWait(driver, 20).until(  # the signed-in page has replaced the form
            lambda d: d.find_elements(By.ID, "chart-volumes"))

        def marks(chart: str, css: str) -> list[dict]:
            return [{k: e.get_attribute(f"data-{k}") for k in
                     ("label", "value", "captured", "finished")}
                    for e in driver.find_elements(By.CSS_SELECTOR, f"#{chart} {css}")]

        seen = {
            "url": driver.current_url,
            "cookie_visible_to_js": driver.execute_script("return document.cookie"),
            "volumes": {m["label"]: int(m["value"]) for m in marks("chart-volumes", "rect.bar")},
            "errors": {m["label"]: int(m["value"]) for m in marks("chart-errors", "rect.bar")},
            "latency": [m["label"] for m in marks("chart-latency", "rect.bar")],
            "rate": [(int(m["captured"]), int(m["finished"]))
                     for m in marks("chart-success-rate", "circle.point")],
            "success_kpi": driver.find_element(By.CSS_SELECTOR, "#kpi-success-rate b").text,
            "review": [r.get_attribute("data-payment-id") for r in
                       driver.find_elements(By.CSS_SELECTOR, "#review [data-payment-id]")],
            "source": driver.page_source,
        }
        shot.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(shot))
        return seen


async def test_operator_page_draws_the_seeded_payments_in_chromium():
    require_browser()
    async with live_stack() as stack:
        held = await _seed(stack)
        token = stack.tokens.mint("ops", "admin")
        shot = ARTIFACTS / "operator-page.png"
        seen = await asyncio.to_thread(_drive, stack.base_url, token, shot)

    assert seen["url"] == stack.base_url + "/admin" and token not in seen["url"]
    assert "skillpay_admin" not in seen["cookie_visible_to_js"]  # HttpOnly
    assert seen["volumes"] == {"succeeded": 2, "failed": 1, "pending": 1}
    assert seen["errors"] == {"payment_declined": 1}
    assert seen["latency"] == ["p50", "p95", "p99"]
    assert sum(c for c, _ in seen["rate"]) == 2 and sum(f for _, f in seen["rate"]) == 3
    assert seen["success_kpi"] == "66.7%"
    assert seen["review"] == [held]
    assert "<script" not in seen["source"] and "https://" not in seen["source"]
    assert shot.stat().st_size > 0
