"""The analytics page in headless Chromium against the whole product on loopback (SQLite,
the real iKhokha adapter against the simulator), with the 50 hand-counted payments of
tests/support/analytics_fixture.py stored through the product's own unit of work.

An admin signs in, follows "Analytics" from the operator page, opens the fixture's range
and reads the charts and tables: they show the hand-counted numbers. Screenshots at
1280 and 390 px wide are saved to reports/screenshots/analytics-*.png; the page never
scrolls sideways.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.browser.test_review_operator_page import DESKTOP, PHONE, SHOTS, _shoot
from tests.support import analytics_fixture as fx
from tests.support.browser import chromium, require_browser
from tests.support.live_stack import live_stack

pytestmark = pytest.mark.e2e


def _drive(base_url: str, token: str) -> dict[str, Any]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    SHOTS.mkdir(parents=True, exist_ok=True)
    seen: dict[str, Any] = {}
    with chromium() as driver:
        wait = WebDriverWait(driver, 20)
        driver.get(base_url + "/admin")
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.ID, "sign-in").click()
        wait.until(lambda d: d.find_elements(By.ID, "nav-analytics"))
        driver.find_element(By.ID, "nav-analytics").click()
        wait.until(lambda d: d.find_elements(By.ID, "range"))
        seen["default_url"] = driver.current_url
        driver.get(f"{base_url}/admin/analytics?from={fx.START}&to={fx.END}")
        wait.until(lambda d: d.find_elements(By.ID, "chart-funnel"))

        def bars(chart: str) -> list[tuple[str, int]]:
            return [(e.get_attribute("data-label"), int(e.get_attribute("data-value")))
                    for e in driver.find_elements(By.CSS_SELECTOR, f"#{chart} rect.bar")]

        seen["funnel"] = bars("chart-funnel")
        seen["losses"] = bars("chart-course-losses")
        seen["declines"] = bars("chart-declines")
        seen["revenue"] = bars("chart-revenue")
        seen["headline"] = driver.find_element(By.ID, "losing-most").text
        seen["kpis"] = {k: driver.find_element(By.ID, f"kpi-{k}").text.split("\n")[-1]
                        for k in ("checkouts", "paid", "conversion", "p50", "p90")}
        seen["shots"] = [_shoot(driver, "analytics-desktop", DESKTOP, mobile=False),
                         _shoot(driver, "analytics-phone", PHONE, mobile=True)]
    return seen


async def test_the_analytics_page_shows_the_hand_counted_numbers():
    require_browser()
    async with live_stack() as stack:
        await fx.seed(stack.container.uow_factory())
        token = stack.tokens.mint("ops", "admin")
        seen = await asyncio.to_thread(_drive, stack.base_url, token)

    assert seen["default_url"].endswith("/admin/analytics")
    f = fx.FUNNEL
    assert seen["funnel"] == [
        ("enrolled", f["enrollments"]), ("checkout", f["checkouts_started"]),
        ("paid", f["paid"]), ("declined", f["declined"]), ("cancelled", f["cancelled"]),
        ("expired", f["expired"])]
    assert seen["losses"] == [(fx.BIOLOGY, 9), (fx.ALGEBRA, 4), (fx.CHEMISTRY, 2)]
    assert seen["declines"] == fx.DECLINES
    assert seen["revenue"] == [(day, amount) for day, _, amount, _, _ in fx.REVENUE]
    assert "course-biology" in seen["headline"] and "6 of 16 checkouts paid" in seen["headline"]
    assert seen["kpis"] == {"checkouts": "46", "paid": "29", "conversion": "63.0%",
                            "p50": "2 min 30 s", "p90": "16 min 40 s"}
    assert all(path.stat().st_size > 10_000 for path in seen["shots"])
