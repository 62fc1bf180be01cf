"""A 500 logs a plain, redacted stack in both formats (no local variables, no card number,
no token, no secret) under its own request id, and the answer carries that id."""

from __future__ import annotations

import io
import json
import logging

import pytest
from dependency_injector import providers

from application.use_cases.payment_queries import GetPayment
from entrypoints.logging_setup import log_formatter
from tests.support.app_container import container_of
from tests.support.secure_api import secure_api

pytestmark = pytest.mark.e2e
CARD = "4111 1111 1111 1111"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzdHUtMSJ9.c2lnbmF0dXJlLXZhbHVl"


class Exploding(GetPayment):
    """A use-case that fails unexpectedly while card data and a token are in its locals."""

    def __init__(self) -> None:
        pass

    async def __call__(self, actor, payment_id):  # type: ignore[no-untyped-def]
        card_in_a_local = CARD
        token_in_a_local = f"Bearer {TOKEN}"
        raise RuntimeError(f"could not read {payment_id} for {card_in_a_local} "
                           f"with {token_in_a_local}")


@pytest.mark.parametrize("log_format", ["console", "json"])
def test_a_forced_500_logs_a_redacted_stack_under_its_request_id(log_format):
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(log_formatter(log_format))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with secure_api() as api:
            api_container = container_of(api.client.app)
            api_container.get_payment.override(providers.Object(Exploding()))
            answers = [api.client.get("/api/v1/payments/pay_x", headers={
                **api.auth("stu-1"), "X-Forwarded-For": "203.0.113.9"}) for _ in range(2)]
    finally:
        root.removeHandler(handler)
    text = out.getvalue()
    assert [a.status_code for a in answers] == [500, 500]
    ids = [a.headers.get("X-Request-ID") for a in answers]
    assert all(ids) and ids[0] != ids[1]
    assert "Traceback" in text and "RuntimeError" in text
    assert "4111 1111 1111 1111" not in text and "4111111111111111" not in text
    assert TOKEN not in text and "card_in_a_local" not in text.split("Traceback")[0]
    assert "token_in_a_local =" not in text and "card_in_a_local =" not in text
    for request_id in ids:
        assert request_id in text
    if log_format == "json":
        failures = [json.loads(line) for line in text.splitlines()
                    if line.startswith("{") and "unexpected failure" in line]
        assert failures and all("Traceback" in f["exception"] for f in failures)


def test_control_characters_in_logged_values_are_escaped():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(log_formatter("console"))
    logger = logging.getLogger("skillpay.test")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("student %s refused", "stu-1\r\n2026-01-01 [info] forged line")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert out.getvalue().count("\n") == 1
    assert "\\r\\n" in out.getvalue()


def test_one_access_line_per_request_with_route_status_and_request_id(caplog):
    with caplog.at_level(logging.INFO, logger="skillpay.access"), secure_api() as api:
        answer = api.client.get("/api/v1/payments/pay_secret_id", headers={
            **api.auth("stu-1"), "X-Request-ID": "req-access-000001"})
    lines = [r for r in caplog.records if r.name == "skillpay.access"]
    assert answer.status_code == 404 and len(lines) == 1
    line = lines[0].getMessage()
    assert line.startswith("GET /api/v1/payments/{payment_id} 404 ")
    assert line.endswith("request_id=req-access-000001")
    assert "pay_secret_id" not in line  # the template, never the raw path
