import io
import json
import logging

import pytest
import structlog

from adapters.system.request_id import current_request_id
from entrypoints.logging_setup import configure_logging
from entrypoints.settings import Settings

pytestmark = pytest.mark.unit


@pytest.fixture
def root_restored():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield root
    root.handlers[:] = handlers
    root.setLevel(level)


def _stream(root) -> io.StringIO:
    stream = io.StringIO()
    root.handlers[0].setStream(stream)
    return stream


def test_json_lines_outside_development_carry_the_request_id_and_no_secret(root_restored):
    settings = Settings.from_env({"SKILLPAY_ENV": "test",
                                  "SKILLPAY_JWT_SECRET": "jwt-secret-for-the-json-test-0001"})
    configure_logging(settings)
    stream = _stream(root_restored)
    token = current_request_id.set("req-json-000001")
    try:
        structlog.get_logger("skillpay.payments").info("PaymentCreated", kind="payment_event",
                                                       note=settings.jwt_secret)
        logging.getLogger("skillpay.http").warning("plain %s", "thandi@example.com")
    finally:
        current_request_id.reset(token)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["event"] == "PaymentCreated" and first["request_id"] == "req-json-000001"
    assert first["note"] == "***" and first["level"] == "info"
    assert second["event"] == "plain t***@example.com" and second["request_id"] == \
        "req-json-000001"


def test_console_lines_in_development(root_restored):
    configure_logging(Settings.from_env({"SKILLPAY_ENV": "development"}))
    stream = _stream(root_restored)
    logging.getLogger("skillpay").info("hello")
    line = stream.getvalue()
    assert "hello" in line and not line.startswith("{")
