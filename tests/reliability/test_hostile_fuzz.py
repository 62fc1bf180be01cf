"""schemathesis against the running server (`skillpay serve`, a real process and socket)
on SQLite and on PostgreSQL, with hostile values mixed into what the schema generates:
NUL and other control characters in ids and queries, JSON nested far too deep, datetimes
without a timezone, huge numbers. Every answer must be below 500.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from entrypoints.http.auth import TokenCodec
from tests.reliability.figures import record
from tests.support.databases import create_pg_database, drop_pg_database
from tests.support.live_stack import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.property]
IN_CI = os.environ.get("CI") == "true"
PER_OPERATION = 25 if IN_CI else 8
JWT = "hostile-fuzz-jwt-signing-key-0123456789"
TOKENS = {role: TokenCodec(JWT).mint(sub, role)
          for sub, role in (("stu-1", "student"), ("ops", "admin"), ("platform", "service"))}
SEEN = {"cases": 0, "server_errors": 0, "hostile": 0}
STREAMS = "/api/v1/events"

HOSTILE_TEXT = st.sampled_from([
    "pay\x00x", "a\r\nforged: line", "\x1b[31mred", "\x7f", "x" * 5000, "é\u202ereversed",
    "2026-01-01T00:00:00", "99999999999999999999999", "-1", "null", "../../etc/passwd"])
DEEP = "[" * 2000 + "]" * 2000


def _serve(port: int, database_url: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKILLPAY_", "IKHOKHA_"))}
    env.update({"SKILLPAY_ENV": "test", "SKILLPAY_DATABASE_URL": database_url,
                "SKILLPAY_PUBLIC_URL": f"http://127.0.0.1:{port}", "SKILLPAY_JWT_SECRET": JWT,
                "SKILLPAY_GATEWAY": "fake", "SKILLPAY_RATE_LIMIT_PAYMENTS": "0",
                "SKILLPAY_RATE_LIMIT_VERIFY": "0", "SKILLPAY_RATE_LIMIT_WEBHOOK": "0",
                "SKILLPAY_ENABLE_PAYMENT_LOGGING": "false", "PYTHONPATH": os.getcwd()})
    return subprocess.Popen([sys.executable, "-m", "entrypoints.cli", "serve", "--port",
                             str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited while starting"
        try:
            if httpx.get(base + "/health/live", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not start within 60 s")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def live_server(request, tmp_path_factory) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    else:
        url = create_pg_database()  # a database of its own (skips or fails like the rest)
    port = free_port()
    process = _serve(port, url)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        if request.param == "postgres":
            drop_pg_database(url)


@pytest.fixture(scope="module", autouse=True)
def report_figures():  # type: ignore[no-untyped-def]
    yield
    record("Hostile fuzzing through the running server (schemathesis)",
           generated_cases=SEEN["cases"], hostile_cases=SEEN["hostile"],
           server_errors=SEEN["server_errors"], per_operation_limit=PER_OPERATION)


def _our_schema() -> dict:  # type: ignore[type-arg]
    """The same OpenAPI document the server serves, read from the app in process (the
    server itself is started per engine by a fixture; the cases are sent to it)."""
    from entrypoints.container import build_container
    from entrypoints.http.app import create_app
    from entrypoints.settings import Settings

    app = create_app(build_container(Settings.from_env({
        "SKILLPAY_ENV": "test", "SKILLPAY_DATABASE_URL": "memory://"})), run_background=False)
    return app.openapi_schema.to_schema()  # type: ignore[no-any-return]


schema = schemathesis.openapi.from_dict(_our_schema())


def _make_hostile(case, how: str, value: str) -> str | None:  # type: ignore[no-untyped-def]
    """Bend one part of a schema-valid case with a hostile value; a raw body to send
    instead of the case's own, when the body itself is the attack."""
    if how == "path" and case.path_parameters:
        case.path_parameters = {k: value for k in case.path_parameters}
    elif how == "query":
        case.query = {**(case.query or {}), "created_from": value, "status": value,
                      "student_id": value, "cursor": value}
    elif how == "deep" and case.method.upper() in ("POST", "PUT"):
        return DEEP
    elif how == "body" and isinstance(case.body, dict):
        case.body = {k: value for k in case.body}
    return None


@schema.exclude(path=STREAMS).parametrize()
@schema.given(how=st.sampled_from(["none", "path", "query", "deep", "body"]),
              value=HOSTILE_TEXT)
@settings(max_examples=PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_hostile_input_answers_5xx_through_the_real_server(case, how, value, live_server):
    role = ("admin", "student", "service")[SEEN["cases"] % 3]
    headers = {**(case.headers or {}), "Authorization": f"Bearer {TOKENS[role]}",
               "Idempotency-Key": f"hostile-fuzz-{SEEN['cases']:010d}"}
    case.headers = headers
    raw = None
    if how != "none":
        SEEN["hostile"] += 1
        raw = _make_hostile(case, how, value)
    if raw is not None:
        headers["Content-Type"] = "application/json"
        path = case.formatted_path
        status = httpx.request(case.method, live_server + quote(path, safe="/%"),
                               content=raw, headers=headers, timeout=30).status_code
    else:
        status = case.call(base_url=live_server, timeout=30).status_code
    SEEN["cases"] += 1
    SEEN["server_errors"] += status >= 500
    assert status < 500, (case.method, case.formatted_path, how, repr(value))
