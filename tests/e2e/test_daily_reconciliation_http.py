"""The daily reconciliation as an operator meets it: a "Daily reconciliation" card on
/admin links to the latest report, which opens as a page with the admin cookie, and
/metrics exports what that day found."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.support.app_container import container_of
from tests.support.scrape import parse_scrape, value

pytestmark = pytest.mark.e2e


def _sign_in(api) -> None:
    r = api.client.post("/admin/login", data={"token": api.tokens.mint("ops", "admin")},
                        follow_redirects=False)
    assert r.status_code == 303


def _run_daily(api) -> list:
    daily = container_of(api.client.app).daily_reconciliation()
    return api.client.blocking_portal.call(daily)  # type: ignore[no-any-return]


def test_the_operator_page_links_the_latest_daily_report(api):
    _sign_in(api)
    before = api.client.get("/admin")
    assert 'id="daily-reconciliation"' in before.text and 'id="daily-none"' in before.text

    (report,) = _run_daily(api)

    page = api.client.get("/admin")
    card = re.search(r'<section class="card" id="daily-reconciliation">.*?</section>',
                     page.text)
    assert card and "Daily reconciliation" in card.group(0)
    assert report.period_from.isoformat() in card.group(0)
    link = re.search(r'id="daily-report" href="([^"]+)"', card.group(0))
    assert link
    opened = api.client.get(unescape(link.group(1)))
    assert opened.status_code == 200
    assert f'data-report-id="{report.id}"' in opened.text
    assert _run_daily(api) == []  # the day is done


def test_the_report_page_needs_the_admin_and_says_when_a_report_is_missing(api):
    assert api.client.get("/admin/reconciliation?id=rec_x").status_code == 401
    _sign_in(api)
    missing = api.client.get("/admin/reconciliation?id=rec_nope")
    assert missing.status_code == 404 and 'id="missing"' in missing.text


def test_metrics_export_the_latest_days_mismatches(api):
    _run_daily(api)
    samples = parse_scrape(api.client.get("/metrics").text)
    assert ("skillpay_daily_reconciliation_mismatches",
            (("category", "status_mismatch"),)) in samples
    assert value(samples, "skillpay_daily_reconciliation_held_for_review") == 0
    assert value(samples, "skillpay_daily_reconciliation_days_behind") == 0
