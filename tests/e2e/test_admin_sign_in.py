"""Every operator page refuses a visitor who is not signed in with the sign-in page,
worded for that page (the `admin` dependency reads it from the route), and a student's
token with 403."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e
PAGES = {
    "/admin/payments": "Sign in to search payments.",
    "/admin/payments.csv": "Sign in to download payments.",
    "/admin/payment?id=pay_x": "Sign in to see this payment.",
    "/admin/analytics": "Sign in to see the analytics.",
    "/admin/analytics.csv": "Sign in to download the analytics.",
    "/admin/reconciliation?id=rec_x": "Sign in to see this reconciliation.",
    "/admin/risk": "Sign in to see the risk blocks and reviews.",
}


@pytest.mark.parametrize(("path", "wording"), PAGES.items(), ids=list(PAGES))
def test_a_page_asks_whoever_is_not_signed_in_to_sign_in(api, path, wording):
    r = api.client.get(path)
    assert r.status_code == 401
    assert wording in r.text and r.headers["Cache-Control"] == "no-store"
    student = api.client.get(path, headers=api.auth("stu-1"))
    assert student.status_code == 403 and "An admin token is required." in student.text
