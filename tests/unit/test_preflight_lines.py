"""The lines preflight prints: each names one problem and the setting to fix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.classification import ClassifiedFailure
from entrypoints.preflight_callback import check_callback
from entrypoints.preflight_checks import clock_line, refusal_line, skew_of
from entrypoints.settings import Settings

pytestmark = pytest.mark.unit
SENT = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
SETTINGS = Settings(gateway="ikhokha", ikhokha_app_id="AKZ9Q2M4R7PLWN3H",
                    ikhokha_app_secret="k7Hq2vN9pL4mR8sW3jB6")


@pytest.mark.parametrize(("header", "skew"), [
    ("Sun, 01 Mar 2026 12:00:00 GMT", timedelta(0)),
    ("Sun, 01 Mar 2026 12:00:03 GMT", timedelta(0)),  # inside the round trip (+1 s)
    ("Sun, 01 Mar 2026 12:10:00 GMT", timedelta(minutes=10) - timedelta(seconds=3)),
    ("Sun, 01 Mar 2026 11:50:00 GMT", -(timedelta(minutes=10) - timedelta(seconds=1))),
    (None, None),
    ("not a date", None),
])
def test_skew_is_measured_outside_the_round_trip(header: str | None,
                                                 skew: timedelta | None) -> None:
    assert skew_of(header, SENT, SENT + timedelta(seconds=2)) == skew


def test_clock_lines() -> None:
    assert clock_line(timedelta(seconds=59)).status == "ok"
    assert clock_line(None).status == "warn"
    line = clock_line(timedelta(seconds=-90))
    assert line.status == "FAIL" and "at least 90 s ahead of iK Pay's" in str(line)


@pytest.mark.parametrize(("detail", "starts"), [
    ("HTTP 401: unknown IK-APPID", "unknown app id: iK Pay does not know IKHOKHA_APP_ID AKZ9***"),
    ("HTTP 403: Invalid entity", "unknown app id"),
    ("HTTP 401: invalid IK-SIGN", "bad signature"),
    ("HTTP 401: Unauthorized", "credentials refused (HTTP 401: Unauthorized)"),
])
def test_a_refusal_says_which_credential(detail: str, starts: str) -> None:
    line = refusal_line(ClassifiedFailure("gateway_auth_failed", detail), SETTINGS, "h")
    assert line.status == "FAIL" and line.text.startswith(starts), line
    assert SETTINGS.ikhokha_app_id not in str(line)


def test_a_wrong_base_url_is_named() -> None:
    line = refusal_line(ClassifiedFailure("gateway_rejected_request", "HTTP 404"), SETTINGS,
                        "api.example")
    assert line.text.startswith("wrong base URL: api.example")


async def test_production_needs_a_public_https_callback_url() -> None:
    production = Settings(env="production", public_url="http://127.0.0.1:9")
    lines = await check_callback(production)
    assert [line.status for line in lines] == ["FAIL", "FAIL"]
    assert "http, not HTTPS" in lines[0].text and "non-public 127.0.0.1" in lines[0].text
    assert lines[1].text.startswith("our health route does not answer")
