import socket
from pathlib import Path

import pytest

from application.errors import ConcurrentUpdate, NotFound
from domain.classification import CATALOGUE, Category, ClassifiedFailure, classify
from domain.errors import IllegalTransition, RefundExceedsCapture
from entrypoints.docs_errors import render

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("failure,code,category,status", [
    (TimeoutError(), "gateway_timeout", Category.NETWORK, 504),
    (ConnectionRefusedError(), "gateway_unreachable", Category.NETWORK, 503),
    (ConnectionResetError(), "gateway_connection_reset", Category.NETWORK, 503),
    (socket.gaierror(), "gateway_dns_failure", Category.NETWORK, 503),
    (RuntimeError("boom"), "internal_error", Category.SYSTEM, 500),
    (KeyError("x"), "internal_error", Category.SYSTEM, 500),
    (IllegalTransition("no"), "illegal_transition", Category.VALIDATION, 409),
    (RefundExceedsCapture("no"), "refund_exceeds_captured", Category.VALIDATION, 422),
    (NotFound("payment"), "not_found", Category.VALIDATION, 404),
    (ConcurrentUpdate(), "concurrent_update", Category.VALIDATION, 409),
])
def test_every_failure_maps_to_exactly_one_classification(failure, code, category, status):
    c = classify(failure)
    assert (c.code, c.category, c.http_status) == (code, category, status)


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_round_trips_through_classify(code):
    c = classify(ClassifiedFailure(code, "detail"))
    assert c.code == code
    assert c.user_message and "Traceback" not in c.user_message
    assert not any(word in c.user_message.lower() for word in ("secret", "sql", "exception"))


def test_gateway_failures_are_retryable_and_declines_are_not():
    for code, c in CATALOGUE.items():
        if c.category is Category.NETWORK:
            assert c.retryable, code
        if c.category is Category.PAYMENT_DECLINED:
            assert not c.retryable, code
        if c.http_status in (401, 403, 404, 409, 413, 422):
            assert c.category is Category.VALIDATION, code


def test_unknown_codes_cannot_be_raised():
    with pytest.raises(ValueError):
        ClassifiedFailure("made_up_code")


def test_docs_errors_md_lists_every_code_and_is_current():
    text = Path(__file__).parents[2].joinpath("docs/errors.md").read_text()
    assert text == render(), "docs/errors.md is stale: run `make docs`"
    for code in CATALOGUE:
        assert f"`{code}`" in text
