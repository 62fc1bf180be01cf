"""Decoding gateway answers: success only when every rule holds; otherwise one code."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from multidict import CIMultiDict

from adapters.ikhokha import answers
from adapters.ikhokha.transport import Answer
from domain.classification import ClassifiedFailure
from domain.gateway_report import GatewayStatus
from domain.money import Money

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 29, tzinfo=UTC)


def answer(status: int, body: str, **headers: str) -> Answer:
    return Answer(status, CIMultiDict(headers), body.encode())


def code_of(fn: object, *args: object) -> str:
    with pytest.raises(ClassifiedFailure) as err:
        fn(*args)  # type: ignore[operator]
    return err.value.code


GOOD = '{"responseCode":"00","paylinkUrl":"https://p/x","paylinkID":"abc","externalTransactionID":"pay_1"}'


def test_create_success() -> None:
    link = answers.paylink(answer(200, GOOD), "pay_1", NOW)
    assert (link.paylink_id, link.checkout_url) == ("abc", "https://p/x")
    assert link.expires_at is not None and link.expires_at > NOW


@pytest.mark.parametrize("status,body,code", [
    (200, "not json", "gateway_malformed_response"),
    (200, '{"paylinkUrl":"https://p/x","paylinkID":"abc"}', "gateway_malformed_response"),
    (200, '{"responseCode":0,"paylinkUrl":"https://p/x"}', "gateway_malformed_response"),
    (200, '{"responseCode":"00","paylinkID":"abc"}', "gateway_malformed_response"),
    (200, '{"responseCode":"00","paylinkUrl":"","paylinkID":"abc"}', "gateway_malformed_response"),
    (200, '{"responseCode":"17","message":"no","paylinkUrl":"https://p"}', "gateway_rejected_request"),
    (200, GOOD.replace("pay_1", "pay_2"), "gateway_contradictory_response"),
    (201, GOOD, "gateway_rejected_request"),
    (302, "", "gateway_malformed_response"),
    (400, '{"error":"bad"}', "gateway_rejected_request"),
    (401, "", "gateway_auth_failed"),
    (403, "<html>", "gateway_auth_failed"),
    (429, "", "gateway_rate_limited"),
    (500, "", "gateway_server_error"),
    (503, '{"message":"down"}', "gateway_server_error"),
])
def test_create_failures(status: int, body: str, code: str) -> None:
    assert code_of(answers.paylink, answer(status, body), "pay_1", NOW) == code


def test_rate_limit_carries_retry_after() -> None:
    with pytest.raises(ClassifiedFailure) as err:
        answers.paylink(answer(429, "", **{"Retry-After": "4"}), "pay_1", NOW)
    assert err.value.retry_after_s == 4.0


def test_status_mapping_and_unknown() -> None:
    body = '{"paylinkID":"abc","status":"PAID","amount":10000,"currency":"ZAR"}'
    report = answers.status(answer(200, body), "abc")
    assert report is not None and report.status is GatewayStatus.SUCCESS
    assert report.amount == Money(10000, "ZAR")
    assert answers.status(answer(404, '{"message":"nope"}'), "abc") is None


@pytest.mark.parametrize("body,code", [
    ('{"paylinkID":"abc","status":"SUCCESS","amount":100.5,"currency":"ZAR"}',
     "gateway_malformed_response"),
    ('{"paylinkID":"abc","status":"SUCCESS","amount":100,"currency":"XXX"}',
     "gateway_malformed_response"),
    ('{"status":"SUCCESS"}', "gateway_malformed_response"),
    ('{"paylinkID":"zzz","status":"SUCCESS"}', "gateway_contradictory_response"),
])
def test_status_failures(body: str, code: str) -> None:
    assert code_of(answers.status, answer(200, body), "abc") == code


def test_history_accepts_list_or_wrapped_list_and_rejects_other_shapes() -> None:
    item = '{"paylinkID":"abc","status":"FAILURE"}'
    assert len(answers.history(answer(200, f"[{item}]"))) == 1
    assert len(answers.history(answer(200, f'{{"transactions":[{item}]}}'))) == 1
    assert code_of(answers.history, answer(200, '{"nothing":1}')) == "gateway_malformed_response"


# -- amounts in status and history items (pp.STATUS_DEFAULT_CURRENCY) -----------------
@pytest.mark.parametrize("body,expected", [
    # iK Pay's shape: no currency at all -> ZAR, so the amount is really compared.
    ('{"paylinkID":"abc","status":"SUCCESS","amount":49900,"externalTransactionID":"p",'
     '"createdAt":"2026-11-29T09:30:00Z"}', Money(49900, "ZAR")),
    ('{"paylinkID":"abc","status":"SUCCESS","amount":49900,"currency":null}',
     Money(49900, "ZAR")),
    ('{"paylinkID":"abc","status":"SUCCESS","amount":49900,"currency":"ZAR"}',
     Money(49900, "ZAR")),
    # A currency that is named is taken at its word (the domain then disagrees with ours).
    ('{"paylinkID":"abc","status":"SUCCESS","amount":49900,"currency":"USD"}',
     Money(49900, "USD")),
    ('{"paylinkID":"abc","status":"SUCCESS","amount":0}', Money(0, "ZAR")),
    # No amount: reported as None, whatever the currency; never our own price.
    ('{"paylinkID":"abc","status":"SUCCESS"}', None),
    ('{"paylinkID":"abc","status":"SUCCESS","currency":"ZAR"}', None),
    ('{"paylinkID":"abc","status":"SUCCESS","amount":null}', None),
])
def test_status_amount_and_default_currency(body: str, expected: Money | None) -> None:
    report = answers.status(answer(200, body), "abc")
    assert report is not None and report.amount == expected
    assert report.status is GatewayStatus.SUCCESS


@pytest.mark.parametrize("amount", ["-1", "100.5", '"49900"', "true", "1e3",
                                    "10000000000000"])
def test_invalid_amount_without_currency_is_malformed(amount: str) -> None:
    body = f'{{"paylinkID":"abc","status":"SUCCESS","amount":{amount}}}'
    assert code_of(answers.status, answer(200, body), "abc") == "gateway_malformed_response"


def test_history_items_without_currency_are_zar_and_without_amount_none() -> None:
    body = ('[{"paylinkID":"a","status":"SUCCESS","amount":100},'
            '{"paylinkID":"b","status":"SUCCESS"}]')
    first, second = answers.history(answer(200, body))
    assert first.amount == Money(100, "ZAR") and second.amount is None
    negative = '[{"paylinkID":"a","status":"SUCCESS","amount":-5}]'
    assert code_of(answers.history, answer(200, negative)) == "gateway_malformed_response"
