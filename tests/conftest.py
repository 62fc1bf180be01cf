"""Shared fixtures. Tests that need PostgreSQL or Redis skip with a reason where the
service is unreachable, unless SKILLPAY_REQUIRE_POSTGRES / SKILLPAY_REQUIRE_REDIS is set
(CI sets both), where the skip becomes a failure."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator

import pytest

from tests.support.world import World

LOG_CAPTURE = "SKILLPAY_LOG_CAPTURE"  # a file: every log line of the session is written there


@pytest.fixture(scope="session", autouse=True)
def capture_every_log_line() -> Iterator[None]:
    """With SKILLPAY_LOG_CAPTURE set, record every formatted line at DEBUG (the log-hygiene
    test runs the HTTP suites this way and scans the file; see tests/e2e/test_log_hygiene)."""
    target = os.environ.get(LOG_CAPTURE)
    if not target:
        yield
        return
    from application.redaction import registered_secrets
    from tests.support.log_scan import CaptureHandler

    handler, root = CaptureHandler(), logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        with open(target, "w", encoding="utf-8") as out:
            json.dump({"lines": handler.lines, "secrets": sorted(registered_secrets())}, out)


@pytest.fixture
def world() -> World:
    return World()
