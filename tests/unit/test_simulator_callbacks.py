"""The simulator's callback bodies in every `callback_format`, checked by the adapter's
verify with the same secret. The two share no signing code, so this is the end-to-end
evidence that a pretty or escaped iKhokha callback gets through, and only through the
compact fallback."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from adapters.ikhokha.callbacks import verify
from adapters.ikhokha.signing import signature_matches
from adapters.simulator.callbacks import signed_callback
from adapters.simulator.config import Faults, SimulatorConfig
from adapters.simulator.state import SimPaylink, SimState
from domain.classification import ClassifiedFailure
from domain.gateway_report import GatewayStatus

pytestmark = pytest.mark.unit
APP, SECRET, HOOK = "test-app-id", "test-app-secret", "test-webhook-secret"
URL = "https://school.example/webhooks/ikhokha?tenant=1"


def callback(fmt: str, text: bool, status: str = "SUCCESS") -> tuple[str, bytes, dict[str, str]]:
    state = SimState(SimulatorConfig(APP, SECRET, webhook_secret=HOOK))
    state.faults = Faults(callback_format=fmt, callback_text=text)
    urls = {"callbackUrl": URL, "successPageUrl": "s", "failurePageUrl": "f", "cancelUrl": "c"}
    link = SimPaylink("2zh1zj6y8xpb0g3", "pay_1/é", 49900, "ZAR", None, urls,
                      datetime(2026, 11, 29, tzinfo=UTC), status=status)
    return signed_callback(state, link)


@pytest.mark.parametrize("fmt", ["compact", "pretty", "escaped"])
@pytest.mark.parametrize("text", [False, True], ids=["no-text", "text"])
def test_every_format_verifies_at_the_adapter(fmt: str, text: bool) -> None:
    url, body, headers = callback(fmt, text)
    path = urlsplit(url).path
    notice = verify(APP, HOOK, path, headers, body)
    assert notice.paylink_id == "2zh1zj6y8xpb0g3" and notice.status is GatewayStatus.SUCCESS
    assert notice.external_transaction_id == "pay_1/é"
    raw_ok = signature_matches(HOOK, path, body, headers["ik-sign"])
    assert raw_ok is (fmt == "compact" and not text)  # else only the fallback accepts it
    assert ("text" in json.loads(body)) is text


def test_the_formats_look_as_named() -> None:
    compact = callback("compact", True)[1].decode()
    pretty = callback("pretty", True)[1].decode()
    escaped = callback("escaped", True)[1].decode()
    assert '"text":"Payment successful \u2013 R499.00"' in compact and "\n" not in compact
    assert pretty.startswith('{\n  "paylinkID": ') and "é" in pretty
    assert escaped.isascii() and "\\u2013" in escaped and "pay_1\\/\\u00e9" in escaped
    assert json.loads(compact) == json.loads(pretty) == json.loads(escaped)


def test_one_callback_in_every_format_has_one_dedupe_key() -> None:
    keys = {verify(APP, HOOK, "/webhooks/ikhokha", h, b).dedupe_key
            for fmt in ("compact", "pretty", "escaped") for text in (False, True)
            for _u, b, h in [callback(fmt, text)]}
    assert len(keys) == 1


@pytest.mark.parametrize("status,said", [("FAILURE", "declined"), ("CANCELLED", "cancelled")])
def test_unpaid_callbacks_say_failure(status: str, said: str) -> None:
    _url, body, headers = callback("pretty", True, status)
    data = json.loads(body)
    assert data["status"] == "FAILURE" and said in data["text"]
    assert verify(APP, HOOK, "/webhooks/ikhokha", headers, body).status is GatewayStatus.FAILURE


def test_a_wrong_secret_or_path_is_still_refused() -> None:
    _url, body, headers = callback("pretty", True)
    for secret, path in ((SECRET, "/webhooks/ikhokha"), (HOOK, "/webhooks/other")):
        with pytest.raises(ClassifiedFailure):
            verify(APP, secret, path, headers, body)
