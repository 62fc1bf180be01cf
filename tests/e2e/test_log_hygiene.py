"""The whole HTTP suite (e2e + BDD) logs no secret, token or card number.

It runs in a child pytest with every log line captured at DEBUG, then the lines are
scanned. The scanner itself is tested: a secret that bypasses the redaction is found.
"""

import json
import logging
import os
import subprocess
import sys

import pytest

from tests.support.log_scan import CaptureHandler, scan

pytestmark = pytest.mark.e2e
SLOW_OR_OUT_OF_PROCESS = ("tests/e2e/test_log_hygiene.py", "tests/e2e/test_sandbox_process.py",
                          "tests/e2e/test_startup_refusals.py")


def test_the_http_suite_logs_no_secrets_tokens_or_card_numbers(tmp_path):
    capture = tmp_path / "log.json"
    env = {**os.environ, "SKILLPAY_LOG_CAPTURE": str(capture)}
    ignores = [f"--ignore={path}" for path in SLOW_OR_OUT_OF_PROCESS]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/e2e", "tests/bdd", "-q", "-p", "no:cacheprovider",
         "-x", *ignores], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    captured = json.loads(capture.read_text())
    lines, secrets = captured["lines"], captured["secrets"]
    assert len(lines) > 200, "the capture saw too little: is logging wired?"
    assert len(secrets) > 5  # each app registered its JWT secret
    assert any("payment_event" in line for line in lines)
    assert any("card data refused" in line for line in lines)
    findings = scan(lines, secrets)
    assert not findings, "\n".join(f"{f.kind}: {f.line}" for f in findings[:20])


SECRET = "deliberately-logged-secret-0123456789"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLWhlcmU"


def test_the_scanner_finds_a_secret_that_bypasses_the_redaction():
    handler = CaptureHandler()
    for text in (f"oops {SECRET}", f"Authorization: Bearer {TOKEN}", "card 4111111111111111",
                 "ik-sign: 0123456789abcdef0123456789abcdef", "mail thandi@example.com"):
        handler.emit(logging.makeLogRecord({"msg": text, "levelname": "INFO", "name": "t"}))
    kinds = {f.kind for f in scan(handler.lines, [SECRET])}
    assert kinds == {"secret", "jwt", "bearer", "card number", "ik-sign", "e-mail"}


def test_a_secret_logged_through_logging_is_masked(monkeypatch):
    from entrypoints.logging_setup import install_redaction
    from entrypoints.settings import Settings

    redactor = install_redaction(Settings.from_env({"SKILLPAY_ENV": "test"}))
    redactor.register(SECRET)
    handler, log = CaptureHandler(), logging.getLogger("skillpay.hygiene")
    log.addHandler(handler)
    monkeypatch.setattr(log, "level", logging.DEBUG)
    try:
        log.warning("leaking %s and %s, card %s, ik-sign: %s, to %s", SECRET, f"Bearer {TOKEN}",
                    "4111 1111 1111 1111", "0123456789abcdef0123456789abcdef",
                    "thandi@example.com")
        log.info({"event": "x", "token": TOKEN, "cvv": "123"})
    finally:
        log.removeHandler(handler)
    assert scan(handler.lines, [SECRET]) == []
    assert "411111******1111" in handler.lines[0] and "t***@example.com" in handler.lines[0]
