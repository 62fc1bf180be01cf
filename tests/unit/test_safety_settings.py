import pytest

from adapters.fake.gateway import FakeGateway
from adapters.system.clock import SystemClock
from entrypoints.check_config import check_config, masked_url
from entrypoints.safety import startup_problems, startup_warnings
from entrypoints.settings import Settings, SettingsError
from entrypoints.unverified_callbacks import UnverifiedCallbacks, callback_gateway

pytestmark = pytest.mark.unit


def test_vite_names_are_read_with_a_warning_to_rotate_secrets():
    s = Settings.from_env({"VITE_IKHOKHA_API_SECRET": "abc123xyz", "VITE_NODE_ENV": "test"})
    assert s.ikhokha_app_secret == "abc123xyz" and s.env == "test"
    assert any("VITE_IKHOKHA_API_SECRET" in w and "rotate" in w for w in s.warnings)
    assert not Settings.from_env({"IKHOKHA_APP_SECRET": "a", "VITE_IKHOKHA_API_SECRET": "b"}
                                 ).warnings  # the server-side name wins, silently


def test_trusted_proxies_must_be_networks():
    assert Settings.from_env({"SKILLPAY_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.1"}
                             ).trusted_proxies == ("10.0.0.0/8", "192.168.1.1")
    with pytest.raises(SettingsError, match="SKILLPAY_TRUSTED_PROXIES"):
        Settings.from_env({"SKILLPAY_TRUSTED_PROXIES": "10.0.0.0/8,not-a-network"})


def test_the_rate_limit_key_prefix_is_a_short_plain_name():
    assert Settings.from_env({}).rate_limit_prefix == "skillpay"
    assert Settings.from_env({"SKILLPAY_RATE_LIMIT_PREFIX": "pay-staging"}
                             ).rate_limit_prefix == "pay-staging"
    with pytest.raises(SettingsError, match="SKILLPAY_RATE_LIMIT_PREFIX"):
        Settings.from_env({"SKILLPAY_RATE_LIMIT_PREFIX": "has space*"})


def test_allowed_hosts_default_to_the_public_url_plus_localhost_in_development():
    dev = Settings.from_env({"SKILLPAY_PUBLIC_URL": "https://pay.betaskill.co.za"})
    assert dev.allowed_hosts[0] == "pay.betaskill.co.za" and "localhost" in dev.allowed_hosts
    prod = Settings.from_env({"SKILLPAY_ENV": "production",
                              "SKILLPAY_PUBLIC_URL": "https://pay.betaskill.co.za"})
    assert prod.allowed_hosts == ("pay.betaskill.co.za",)
    assert Settings.from_env({"SKILLPAY_ALLOWED_HOSTS": "a.example, b.example"}
                             ).allowed_hosts == ("a.example", "b.example")
    assert Settings.from_env({}).cors_origins == ()


def test_require_https_outside_production_wants_an_https_gateway_except_local_simulators():
    def problems(env, url):
        return startup_problems(Settings.from_env({
            "SKILLPAY_ENV": env, "SKILLPAY_REQUIRE_HTTPS": "true", "SKILLPAY_GATEWAY": "ikhokha",
            "IKHOKHA_API_URL": url}))

    assert problems("test", "http://sim.internal:9000/api") == [
        "IKHOKHA_API_URL must use https when SKILLPAY_REQUIRE_HTTPS is on"]
    assert problems("development", "http://127.0.0.1:9000/api") == []
    assert problems("test", "http://127.0.0.1:9000/api") != []
    assert problems("development", "https://sim.internal/api") == []


def test_webhook_validation_off_is_loud_and_never_unverified_in_production():
    s = Settings.from_env({"SKILLPAY_ENV": "test", "SKILLPAY_ENABLE_WEBHOOK_VALIDATION": "false"})
    assert any("NOT checked" in w for w in startup_warnings(s))
    gateway = FakeGateway(SystemClock())
    assert isinstance(callback_gateway(gateway, s), UnverifiedCallbacks)
    prod = Settings.from_env({"SKILLPAY_ENV": "production",
                              "SKILLPAY_ENABLE_WEBHOOK_VALIDATION": "false"})
    assert callback_gateway(gateway, prod) is gateway
    assert any("SKILLPAY_ENABLE_WEBHOOK_VALIDATION" in p for p in startup_problems(prod))


def test_check_config_masks_secrets_and_passwords():
    s = Settings.from_env({"SKILLPAY_JWT_SECRET": "jwt-value-that-is-private-123",
                           "IKHOKHA_APP_SECRET": "app-secret-value-9",
                           "SKILLPAY_DATABASE_URL": "postgresql+asyncpg://u:pw1234@db:5432/x"})
    lines, status = check_config(s)
    text = "\n".join(lines)
    assert status == 0 and "configuration OK" in text
    for secret in ("jwt-value-that-is-private-123", "app-secret-value-9", "pw1234"):
        assert secret not in text
    assert "jwt_secret = *** (29 characters)" in text
    assert masked_url("postgresql://u:pw@h:5/x") == "postgresql://u:***@h:5/x"


def test_log_format_is_console_or_json():
    assert Settings.from_env({"SKILLPAY_ENV": "production"}).log_format == "json"
    assert Settings.from_env({}).log_format == "console"
    with pytest.raises(SettingsError, match="SKILLPAY_LOG_FORMAT"):
        Settings.from_env({"SKILLPAY_LOG_FORMAT": "xml"})


def test_production_without_trusted_proxies_is_warned_about():
    prod = Settings.from_env({"SKILLPAY_ENV": "production"})
    assert any("SKILLPAY_TRUSTED_PROXIES is empty" in w for w in startup_warnings(prod))
    proxied = Settings.from_env({"SKILLPAY_ENV": "production",
                                 "SKILLPAY_TRUSTED_PROXIES": "10.0.0.0/8"})
    assert not any("TRUSTED_PROXIES" in w for w in startup_warnings(proxied))


def test_every_wrong_variable_is_one_line_of_the_cli_refusal(monkeypatch, capsys):
    """Two wrong values: two lines, each naming its variable, neither quoting a value."""
    from entrypoints import cli

    monkeypatch.setattr(cli.os, "environ", {"IKHOKHA_TIMEOUT_MS": "soon",
                                            "SKILLPAY_TIMEZONE": "Mars/Olympus_Mons"})
    with pytest.raises(SystemExit) as stopped:
        cli._settings()
    assert stopped.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("configuration error: ") for line in lines)
    assert any("IKHOKHA_TIMEOUT_MS" in line for line in lines)
    assert any("SKILLPAY_TIMEZONE" in line for line in lines)
    assert not any("soon" in line or "Olympus" in line for line in lines)
