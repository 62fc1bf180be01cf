"""Callback verification: app id, signature over raw body or over the compact form
without `text` (whatever the raw body's spacing or escaping), tampering, and a dedupe
key that ignores the unsigned `text` and the body's formatting."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from adapters.ikhokha import IkhokhaGateway
from adapters.ikhokha.signing import sign
from domain.classification import ClassifiedFailure
from domain.gateway_report import GatewayStatus

pytestmark = pytest.mark.unit
PATH = "/webhooks/ikhokha"
APP, SECRET, HOOK = "test-app-id", "test-app-secret", "test-webhook-secret"
SIGNED = {"paylinkID": "2zh1zj6y8xpb0g3", "status": "SUCCESS",
          "externalTransactionID": "pay_1", "responseCode": "00"}


def compact(data: Mapping[str, object]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


@pytest.fixture
def gateway() -> IkhokhaGateway:
    return IkhokhaGateway(base_url="http://127.0.0.1:9/public-api/v1/api", app_id=APP,
                          app_secret=SECRET, webhook_secret=HOOK)


def headers(signature: str, app_id: str = APP) -> dict[str, str]:
    return {"IK-APPID": app_id, "IK-Sign": signature}


def test_accepts_signature_over_raw_body(gateway: IkhokhaGateway) -> None:
    body = compact(SIGNED)
    notice = gateway.verify_callback(PATH, headers(sign(HOOK, PATH, body)), body.encode())
    assert notice.paylink_id == "2zh1zj6y8xpb0g3"
    assert notice.status is GatewayStatus.SUCCESS
    assert notice.external_transaction_id == "pay_1"


def test_accepts_signature_valid_only_without_text(gateway: IkhokhaGateway) -> None:
    signature = sign(HOOK, PATH, compact(SIGNED))
    with_text = compact({**SIGNED, "text": "Payment successful — thank you"}).encode()
    notice = gateway.verify_callback(PATH, headers(signature), with_text)
    assert notice.status is GatewayStatus.SUCCESS


def test_same_callback_with_other_text_has_same_dedupe_key(gateway: IkhokhaGateway) -> None:
    signature = sign(HOOK, PATH, compact(SIGNED))
    keys = {gateway.verify_callback(PATH, headers(signature),
                                    compact({**SIGNED, "text": t}).encode()).dedupe_key
            for t in ("one", "two")}
    keys.add(gateway.verify_callback(PATH, headers(signature), compact(SIGNED).encode())
             .dedupe_key)
    assert len(keys) == 1 and next(iter(keys)).startswith("2zh1zj6y8xpb0g3:SUCCESS:")


def test_rejects_wrong_app_id(gateway: IkhokhaGateway) -> None:
    body = compact(SIGNED)
    with pytest.raises(ClassifiedFailure) as err:
        gateway.verify_callback(PATH, headers(sign(HOOK, PATH, body), "other-app"),
                                body.encode())
    assert err.value.code == "invalid_signature"


@pytest.mark.parametrize("signature", ["", "0" * 64, sign(SECRET, PATH, compact(SIGNED)),
                                       sign(HOOK, "/other/path", compact(SIGNED))])
def test_rejects_bad_signature(gateway: IkhokhaGateway, signature: str) -> None:
    with pytest.raises(ClassifiedFailure) as err:
        gateway.verify_callback(PATH, headers(signature), compact(SIGNED).encode())
    assert err.value.code == "invalid_signature"


@pytest.mark.parametrize("tampered", [
    {**SIGNED, "status": "FAILURE"}, {**SIGNED, "paylinkID": "aaaaaaaaaaaaaaa"},
    {**SIGNED, "extra": "x"}, {**SIGNED, "text": "x", "status": "PAID"},
])
def test_rejects_tampered_body(gateway: IkhokhaGateway, tampered: dict[str, str]) -> None:
    signature = sign(HOOK, PATH, compact(SIGNED))
    with pytest.raises(ClassifiedFailure) as err:
        gateway.verify_callback(PATH, headers(signature), compact(tampered).encode())
    assert err.value.code == "invalid_signature"


@pytest.mark.parametrize("raw", [b"not json", b"\xff\xfe", b"[1,2]"])
def test_rejects_unreadable_bodies_as_invalid_signature(gateway: IkhokhaGateway,
                                                         raw: bytes) -> None:
    with pytest.raises(ClassifiedFailure) as err:
        gateway.verify_callback(PATH, headers("0" * 64), raw)
    assert err.value.code == "invalid_signature"


def test_signed_but_shapeless_body_is_invalid_request(gateway: IkhokhaGateway) -> None:
    body = compact({"status": "SUCCESS"})
    with pytest.raises(ClassifiedFailure) as err:
        gateway.verify_callback(PATH, headers(sign(HOOK, PATH, body)), body.encode())
    assert err.value.code == "invalid_request"


def test_unknown_status_is_pending_never_success(gateway: IkhokhaGateway,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    body = compact({**SIGNED, "status": "MAYBE"})
    notice = gateway.verify_callback(PATH, headers(sign(HOOK, PATH, body)), body.encode())
    assert notice.status is GatewayStatus.PENDING
    assert any(r.levelname == "WARNING" and "MAYBE" in r.getMessage() for r in caplog.records)


# -- the fallback takes any spacing or escaping of the same signed members --------------
SLASHED = {**SIGNED, "externalTransactionID": "pay_1/é"}  # "/" and non-ASCII: escaping shows
PROSE = "Payment successful \u2013 R499.00"  # an en dash


def pretty(data: Mapping[str, object]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def escaped(data: Mapping[str, object]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/")


@pytest.mark.parametrize("write", [compact, pretty, escaped], ids=["compact", "pretty",
                                                                    "escaped"])
@pytest.mark.parametrize("text", [None, PROSE], ids=["no-text", "text"])
def test_any_formatting_of_the_signed_members_verifies(gateway: IkhokhaGateway, write: object,
                                                       text: str | None) -> None:
    signature = sign(HOOK, PATH, compact(SLASHED))
    data = SLASHED if text is None else {**SLASHED, "text": text}
    body = write(data)  # type: ignore[operator]
    if write is escaped:
        assert "\\/" in body and "\\u00e9" in body and "é" not in body
        assert text is None or "\\u2013" in body
    notice = gateway.verify_callback(PATH, headers(signature), body.encode())
    assert notice.external_transaction_id == "pay_1/é"
    assert notice.status is GatewayStatus.SUCCESS


def test_every_formatting_of_one_callback_has_one_dedupe_key(gateway: IkhokhaGateway) -> None:
    signature = sign(HOOK, PATH, compact(SLASHED))
    bodies = [w(d) for w in (compact, pretty, escaped)
              for d in (SLASHED, {**SLASHED, "text": PROSE}, {**SLASHED, "text": "other"})]
    keys = {gateway.verify_callback(PATH, headers(signature), b.encode()).dedupe_key
            for b in bodies}
    assert len(keys) == 1


def test_a_body_signed_as_sent_verifies_on_the_raw_form(gateway: IkhokhaGateway) -> None:
    body = pretty(SIGNED)  # a sender that signs its pretty body: the first check holds
    notice = gateway.verify_callback(PATH, headers(sign(HOOK, PATH, body)), body.encode())
    assert notice.paylink_id == SIGNED["paylinkID"]


@pytest.mark.parametrize("write", [compact, pretty, escaped], ids=["compact", "pretty",
                                                                    "escaped"])
@pytest.mark.parametrize("tampered", [
    dict(reversed(list(SLASHED.items()))),               # member order is signed
    {**SLASHED, "status": "FAILURE", "text": PROSE},      # a signed value changed
    {**SLASHED, "externalTransactionID": "pay_1/e"},      # é -> e
    {k: v for k, v in SLASHED.items() if k != "responseCode"},  # a signed member dropped
    {**SLASHED, "Text": "x"},                             # only `text` is unsigned
])
def test_any_formatting_of_other_members_is_refused(gateway: IkhokhaGateway, write: object,
                                                    tampered: dict[str, object]) -> None:
    signature = sign(HOOK, PATH, compact(SLASHED))
    with pytest.raises(ClassifiedFailure) as err:
        gateway.verify_callback(PATH, headers(signature),
                                write(tampered).encode())  # type: ignore[operator]
    assert err.value.code == "invalid_signature"


@pytest.mark.parametrize("raw", [
    b'{"paylinkID":"\\ud800","status":"SUCCESS"}',  # a lone surrogate, spelt escaped
    b"[" * 100_000,                                   # nesting past the recursion limit
])
def test_hostile_bodies_are_refused_not_crashed(gateway: IkhokhaGateway, raw: bytes) -> None:
    with pytest.raises(ClassifiedFailure) as err:
        gateway.verify_callback(PATH, headers("0" * 64), raw)
    assert err.value.code == "invalid_signature"


def test_undecodable_header_characters_are_refused_not_crashed(gateway: IkhokhaGateway) -> None:
    body = compact(SIGNED)
    for bad in ({"IK-APPID": "app\udcff", "IK-Sign": sign(HOOK, PATH, body)},
                {"IK-APPID": APP, "IK-Sign": "\udcff" * 64}):
        with pytest.raises(ClassifiedFailure) as err:
            gateway.verify_callback(PATH, bad, body.encode())
        assert err.value.code == "invalid_signature"


@pytest.mark.parametrize(("sent", "named"), [
    ({}, "the ik-appid and ik-sign headers"), ({"ik-appid": APP}, "the ik-sign header"),
    ({"ik-sign": "ab" * 32}, "the ik-appid header")])
def test_an_unsigned_callback_names_the_missing_headers(gateway: IkhokhaGateway,
                                                        sent: dict[str, str],
                                                        named: str) -> None:
    with pytest.raises(ClassifiedFailure) as refused:
        gateway.verify_callback(PATH, sent, b'{"paylinkID":"x","status":"SUCCESS"}')
    assert refused.value.code == "invalid_signature"
    assert refused.value.detail == f"callback is missing {named}"


@pytest.mark.parametrize("write", [compact, pretty, escaped], ids=["compact", "pretty",
                                                                    "escaped"])
def test_a_body_parsed_by_the_caller_verifies_as_if_parsed_here(gateway: IkhokhaGateway,
                                                                 write: object) -> None:
    """The HTTP entrypoint hands over its one parse (msgspec) of the bytes; the notice is
    the one the adapter's own parse gives, and tampering is still refused."""
    import msgspec

    signature = sign(HOOK, PATH, compact(SLASHED))
    body = write({**SLASHED, "text": PROSE}).encode()  # type: ignore[operator]
    ours = gateway.verify_callback(PATH, headers(signature), body)
    handed = gateway.verify_callback(PATH, headers(signature), body, msgspec.json.decode(body))
    assert handed == ours
    tampered = write({**SLASHED, "status": "FAILURE"}).encode()  # type: ignore[operator]
    with pytest.raises(ClassifiedFailure):
        gateway.verify_callback(PATH, headers(signature), tampered,
                                msgspec.json.decode(tampered))
