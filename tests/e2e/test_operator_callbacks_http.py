"""The operator's payment page shows iKhokha's callbacks about the payment: what iKhokha
said and what became of each (confirmed and applied, or failed and to be retried)."""

from __future__ import annotations

from html import unescape

import pytest

from domain.classification import ClassifiedFailure
from domain.gateway_report import GatewayStatus
from tests.e2e.test_operator_console_http import _sign_in

pytestmark = pytest.mark.e2e


def _page(api, payment_id: str) -> str:
    r = api.client.get("/admin/payment", params={"id": payment_id})
    assert r.status_code == 200, r.text
    return unescape(r.text)


def _callback(api, payment: dict) -> None:
    api.gateway.settle(payment["gateway_reference"], GatewayStatus.SUCCESS)
    body, headers = api.gateway.signed_callback(payment["gateway_reference"])
    assert api.client.post("/webhooks/ikhokha", content=body, headers=headers).status_code == 200


def test_a_payment_page_lists_the_callbacks_and_what_became_of_them(api):
    confirmed = api.checkout(api.enrollment("stu-cb1")["id"], sub="stu-cb1",
                             key="callbacks-key-0001").json()
    failing = api.checkout(api.enrollment("stu-cb2")["id"], sub="stu-cb2",
                           key="callbacks-key-0002").json()
    _sign_in(api)
    assert "No callback from iKhokha for this payment yet." in _page(api, confirmed["id"])

    _callback(api, confirmed)
    api.client.settle()  # confirmed (after the 200) before the gateway starts failing
    api.gateway.fail_next("get_status", ClassifiedFailure("gateway_timeout"), times=5)
    _callback(api, failing)

    page = _page(api, confirmed["id"])
    assert page.count('class="callback"') == 1
    assert "iKhokha said SUCCESS — confirmed and applied" in page
    assert "0 failed attempt(s)" in page
    page = _page(api, failing["id"])
    assert "iKhokha said SUCCESS — confirming failed; retried" in page
    assert "1 failed attempt(s) · last error gateway_timeout" in page
