"""Each refusal rule of docs/api.md: `skillpay serve` with ONE unsafe production setting (all
others valid) exits non-zero with one clear line naming the problem."""

import os
import subprocess
import sys

import pytest

from tests.support.production_env import VALID_PRODUCTION

pytestmark = pytest.mark.e2e


# (name of the case, the one changed setting, words of the expected line)
RULES = [
    ("test mode", {"IKHOKHA_TEST_MODE": "true"}, "IKHOKHA_TEST_MODE is on"),
    ("test mode via VITE_", {"IKHOKHA_TEST_MODE": None, "VITE_IKHOKHA_TEST_MODE": "true"},
     "IKHOKHA_TEST_MODE is on"),
    ("gateway over http", {"IKHOKHA_API_URL": "http://api.ikhokha.com/public-api/v1/api"},
     "IKHOKHA_API_URL must use https"),
    ("gateway not iKhokha", {"IKHOKHA_API_URL": "https://ikpay.mirror.net/public-api/v1/api"},
     "IKHOKHA_API_URL must be iKhokha's production host"),
    ("app id missing", {"IKHOKHA_APP_ID": None}, "IKHOKHA_APP_ID is missing"),
    ("app id placeholder", {"IKHOKHA_APP_ID": "your-app-id"}, "IKHOKHA_APP_ID is missing or "
                                                               "looks like a placeholder"),
    ("app secret missing", {"IKHOKHA_APP_SECRET": None},
     "IKHOKHA_APP_SECRET is missing"),
    ("app secret placeholder", {"IKHOKHA_APP_SECRET": "changeme"}, "IKHOKHA_APP_SECRET is "
                                                                   "missing or looks like"),
    ("webhook secret placeholder", {"IKHOKHA_WEBHOOK_SECRET": "placeholder-webhook"},
     "IKHOKHA_WEBHOOK_SECRET is missing or looks like a placeholder"),
    ("webhook validation off", {"SKILLPAY_ENABLE_WEBHOOK_VALIDATION": "false"},
     "SKILLPAY_ENABLE_WEBHOOK_VALIDATION is off"),
    ("https not required", {"SKILLPAY_REQUIRE_HTTPS": "false"}, "SKILLPAY_REQUIRE_HTTPS is off"),
    ("jwt secret missing", {"SKILLPAY_JWT_SECRET": None}, "SKILLPAY_JWT_SECRET is missing"),
    ("jwt secret short", {"SKILLPAY_JWT_SECRET": "Qm3vK8pR2wL9nH4s"},
     "SKILLPAY_JWT_SECRET is missing or shorter than 32"),
    ("sqlite", {"SKILLPAY_DATABASE_URL": "sqlite+aiosqlite:///./skillpay.db"},
     "SKILLPAY_DATABASE_URL is SQLite"),
    ("public url over http", {"SKILLPAY_PUBLIC_URL": "http://pay.betaskill.co.za"},
     "SKILLPAY_PUBLIC_URL must be https"),
    ("fake gateway", {"SKILLPAY_GATEWAY": "fake"}, "SKILLPAY_GATEWAY must be ikhokha"),
]


def _env(changes: dict[str, str | None]) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("SKILLPAY_", "IKHOKHA_", "VITE_"))}
    env = {**base, **VALID_PRODUCTION, "PYTHONPATH": os.getcwd()}
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _start(args: list[str], changes: dict[str, str | None], cwd) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "entrypoints.cli", *args], cwd=cwd,
                            env=_env(changes), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """All refusals started at once (each is a short-lived process)."""
    cwd = tmp_path_factory.mktemp("refusals")
    procs = {name: _start(["serve", "--port", "1"], changes, cwd)
             for name, changes, _ in RULES}
    results = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=60)
        results[name] = (proc.returncode, out + err)
    return results


@pytest.mark.parametrize("name, changes, line", RULES, ids=[r[0] for r in RULES])
def test_production_refuses_to_start_on_one_unsafe_setting(outcomes, name, changes, line):
    status, output = outcomes[name]
    refusals = [x for x in output.splitlines() if x.startswith("refusing to start: ")]
    assert status != 0, output
    assert len(refusals) == 1, output  # the other settings are valid production settings
    assert line in refusals[0]


def test_the_valid_production_settings_pass_check_config_with_secrets_masked(tmp_path):
    proc = _start(["check-config"], {}, tmp_path)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, out + err
    assert "configuration OK" in out and "refusing" not in out
    for name in ("SKILLPAY_JWT_SECRET", "IKHOKHA_APP_SECRET", "IKHOKHA_WEBHOOK_SECRET",
                 "IKHOKHA_APP_ID"):
        assert VALID_PRODUCTION[name] not in out + err


def test_check_config_lists_the_problems_and_exits_non_zero(tmp_path):
    proc = _start(["check-config"], {"IKHOKHA_TEST_MODE": "true",
                                     "VITE_IKHOKHA_API_SECRET": "k7Hq2vN9pL4mR8sW3jB6",
                                     "IKHOKHA_APP_SECRET": None}, tmp_path)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "refusing to start: IKHOKHA_TEST_MODE is on" in out
    assert "VITE_IKHOKHA_API_SECRET is read as IKHOKHA_APP_SECRET" in out
    assert "rotate it" in out
    assert "k7Hq2vN9pL4mR8sW3jB6" not in out + err
