"""The landing page and the API docs in headless Chromium with no internet: Swagger UI's
assets come from the service itself, so the docs render offline, at desktop and phone
width, without sideways scrolling; screenshots go to reports/screenshots/."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.support.browser import chromium, require_browser
from tests.support.live_stack import live_stack

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).resolve().parents[2] / "reports" / "screenshots"


def _wait_for(driver, css: str, timeout: float = 30):  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, css)))


def _browse(base_url: str) -> list[str]:
    """Landing page, then the docs, at two widths (in a thread: the server needs the loop)."""
    titles = []
    with chromium() as driver:
        for width, height, name in ((1280, 900, "desktop"), (390, 844, "phone")):
            driver.set_window_size(width, height)
            driver.get(base_url + "/")
            link = _wait_for(driver, "a[href='/schema/swagger']")
            driver.save_screenshot(str(SHOTS / f"landing-{name}.png"))
            link.click()
            titles.append(_wait_for(driver, ".swagger-ui .info .title").text)
            _wait_for(driver, ".opblock-tag")  # the operations are listed
            driver.save_screenshot(str(SHOTS / f"api-docs-{name}.png"))
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{name}: {overflow}px of sideways scrolling"
    return titles


async def test_landing_page_then_docs_render_offline():
    require_browser()
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with live_stack() as stack:
        async with stack.http.get(stack.base_url + "/schema/swagger") as page:
            html = await page.text()
        assert "cdn." not in html and "https://" not in html.split("spec:")[0]
        titles = await asyncio.to_thread(_browse, stack.base_url)
    assert len(titles) == 2 and all("Beta Skill Payments" in t for t in titles)
