"""Shared fixtures. Tests that need PostgreSQL or Redis skip with a reason where the
service is unreachable, unless SKILLPAY_REQUIRE_POSTGRES / SKILLPAY_REQUIRE_REDIS is set
(CI sets both), where the skip becomes a failure. And in CI (`CI=true`, .ci/run) no test
may skip at all: `pytest_runtest_makereport` below turns any skip into a failure, except
the few of tests/support/skipping.py ALLOWED_IN_CI, each with why."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator

import pytest

from tests.support.skipping import in_ci, skip_is_allowed_in_ci
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
    from entrypoints.logging_setup import process_redactor
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
            json.dump({"lines": handler.lines, "secrets": sorted(process_redactor().secrets())}, out)


@pytest.fixture
def world() -> World:
    return World()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under CI=true a skipped test fails: a skip there means something CI must have
    (PostgreSQL, Redis, Chromium, nginx...) is missing, or a test that never runs."""
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and in_ci()) or hasattr(report, "wasxfail"):
        return  # an expected failure (xfail) is reported as skipped: not a skip
    if skip_is_allowed_in_ci(item.nodeid):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
    report.outcome = "failed"
    report.longrepr = (f"skipped under CI=true, where no test may skip ({reason}); fix the "
                       "environment (.ci/run), or add the test to ALLOWED_IN_CI in "
                       "tests/support/skipping.py saying why CI cannot run it")
