"""Typed settings, read once from the environment (names of docs/api.md).

The seed's `VITE_*` names are honoured as fallbacks with a warning: anything with that
prefix is bundled into browser code, so such a secret must be rotated.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from entrypoints.rotation_settings import rotation_settings
from entrypoints.safety_settings import safety_settings
from entrypoints.settings_errors import SettingsError

IKHOKHA_PRODUCTION_URL = "https://api.ikhokha.com/public-api/v1/api"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./skillpay.db"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEZONE = "Africa/Johannesburg"

_FALLBACKS = {
    "SKILLPAY_ENV": "VITE_NODE_ENV",
    "IKHOKHA_API_URL": "VITE_IKHOKHA_API_URL",
    "IKHOKHA_APP_ID": "VITE_IKHOKHA_API_KEY",
    "IKHOKHA_APP_SECRET": "VITE_IKHOKHA_API_SECRET",
    "IKHOKHA_WEBHOOK_SECRET": "VITE_IKHOKHA_WEBHOOK_SECRET",
    "IKHOKHA_TEST_MODE": "VITE_IKHOKHA_TEST_MODE",
    "IKHOKHA_TIMEOUT_MS": "VITE_IKHOKHA_TIMEOUT",
    "IKHOKHA_RETRY_ATTEMPTS": "VITE_IKHOKHA_RETRY_ATTEMPTS",
    "IKHOKHA_RETRY_DELAY_MS": "VITE_IKHOKHA_RETRY_DELAY",
}
SECRET_NAMES = frozenset({"IKHOKHA_APP_SECRET", "IKHOKHA_WEBHOOK_SECRET", "SKILLPAY_JWT_SECRET",
                          "SKILLPAY_PLATFORM_WEBHOOK_SECRET"})


def _bool(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false")


def _int(value: str, name: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number") from None
    if not low <= number <= high:
        raise SettingsError(f"{name} must be between {low} and {high}")
    return number


def _timezone(value: str, name: str) -> str:
    """An IANA zone name such as Africa/Johannesburg (the platform's days start there)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"{name} must be an IANA timezone such as Africa/Johannesburg"
                            ) from None
    return value.strip()


@dataclass(frozen=True, slots=True)
class Settings:
    env: str = "development"
    database_url: str = DEFAULT_DATABASE_URL
    public_url: str = DEFAULT_PUBLIC_URL
    jwt_secret: str = field(default="", repr=False)
    jwt_secret_generated: bool = False
    redis_url: str | None = None
    gateway: str = "fake"
    ikhokha_api_url: str = IKHOKHA_PRODUCTION_URL
    ikhokha_app_id: str = ""
    ikhokha_app_secret: str = field(default="", repr=False)
    ikhokha_webhook_secret: str = field(default="", repr=False)
    ikhokha_test_mode: bool = True
    ikhokha_timeout_ms: int = 15000
    ikhokha_deadline_ms: int = 30000
    ikhokha_retry_attempts: int = 3
    ikhokha_retry_delay_ms: int = 2000
    enable_webhook_validation: bool = True
    require_https: bool = False
    trusted_proxies: tuple[str, ...] = ()
    enable_payment_logging: bool = True
    log_format: str = "console"
    worker_interval_ms: int = 5000
    # callbacks this instance confirms at once after acknowledging them; 0: acknowledge
    # only and leave every callback to the workers (instances that only take traffic)
    callback_concurrency: int = 8
    platform_webhook_urls: tuple[str, ...] = ()
    platform_webhook_secret: str = field(default="", repr=False)
    # Secret rotation (entrypoints/rotation_settings.py): previous secrets verify until
    # secret_grace_until; tokens, requests and webhooks are signed with the current ones.
    jwt_secret_previous: str = field(default="", repr=False)
    ikhokha_app_secret_previous: str = field(default="", repr=False)
    ikhokha_webhook_secret_previous: str = field(default="", repr=False)
    platform_webhook_secret_previous: str = field(default="", repr=False)
    secret_grace_until: datetime | None = None
    test_crash_points: str = ""
    warnings: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ("*",)
    cors_origins: tuple[str, ...] = ()
    rate_limit_payments: int = 10
    rate_limit_webhook: int = 120
    rate_limit_verify: int = 30
    rate_limit_prefix: str = "skillpay"
    max_open_checkouts: int = 5
    timezone: str = DEFAULT_TIMEZONE  # the platform's day, e.g. for the daily reconciliation

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        warnings: list[str] = []

        def get(name: str, default: str | None = None) -> str | None:
            if environ.get(name, "") != "":
                return environ[name]
            legacy = _FALLBACKS.get(name)
            if legacy and environ.get(legacy, "") != "":
                what = "secret: rotate it" if name in SECRET_NAMES or "KEY" in legacy else "value"
                warnings.append(f"{legacy} is read as {name}; VITE_ variables are bundled into "
                                f"browser code, so this {what} and rename the variable")
                return environ[legacy]
            return default

        env = (get("SKILLPAY_ENV", "development") or "development").lower()
        if env not in ("development", "test", "production"):
            raise SettingsError("SKILLPAY_ENV must be development, test or production")
        prod = env == "production"
        app_id = get("IKHOKHA_APP_ID", "") or ""
        app_secret = (get("IKHOKHA_APP_SECRET", "") or "").strip()
        jwt_secret = get("SKILLPAY_JWT_SECRET", "") or ""
        gateway = (get("SKILLPAY_GATEWAY") or ("ikhokha" if app_id else "fake")).lower()
        if gateway not in ("ikhokha", "fake"):
            raise SettingsError("SKILLPAY_GATEWAY must be ikhokha or fake")
        return cls(
            env=env,
            database_url=get("SKILLPAY_DATABASE_URL") or DEFAULT_DATABASE_URL,
            public_url=(get("SKILLPAY_PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/"),
            jwt_secret=jwt_secret or ("" if prod else secrets.token_urlsafe(32)),
            jwt_secret_generated=not jwt_secret and not prod,
            redis_url=get("REDIS_URL"),
            gateway=gateway,
            ikhokha_api_url=(get("IKHOKHA_API_URL", IKHOKHA_PRODUCTION_URL)
                             or IKHOKHA_PRODUCTION_URL).rstrip("/"),
            ikhokha_app_id=app_id,
            ikhokha_app_secret=app_secret,
            ikhokha_webhook_secret=(get("IKHOKHA_WEBHOOK_SECRET", "") or app_secret).strip(),
            ikhokha_test_mode=_bool(get("IKHOKHA_TEST_MODE", "false" if prod else "true")
                                    or "true", "IKHOKHA_TEST_MODE"),
            ikhokha_timeout_ms=_int(get("IKHOKHA_TIMEOUT_MS", "15000") or "15000",
                                    "IKHOKHA_TIMEOUT_MS", 100, 120_000),
            ikhokha_deadline_ms=_int(get("IKHOKHA_DEADLINE_MS", "30000") or "30000",
                                     "IKHOKHA_DEADLINE_MS", 100, 300_000),
            ikhokha_retry_attempts=_int(get("IKHOKHA_RETRY_ATTEMPTS", "3") or "3",
                                        "IKHOKHA_RETRY_ATTEMPTS", 0, 10),
            ikhokha_retry_delay_ms=_int(get("IKHOKHA_RETRY_DELAY_MS", "2000") or "2000",
                                        "IKHOKHA_RETRY_DELAY_MS", 0, 60_000),
            enable_webhook_validation=_bool(get("SKILLPAY_ENABLE_WEBHOOK_VALIDATION", "true")
                                            or "true", "SKILLPAY_ENABLE_WEBHOOK_VALIDATION"),
            require_https=_bool(get("SKILLPAY_REQUIRE_HTTPS", "true" if prod else "false")
                                or "false", "SKILLPAY_REQUIRE_HTTPS"),
            trusted_proxies=tuple(p.strip() for p in (get("SKILLPAY_TRUSTED_PROXIES", "") or "")
                                  .split(",") if p.strip()),
            enable_payment_logging=_bool(get("SKILLPAY_ENABLE_PAYMENT_LOGGING", "true")
                                         or "true", "SKILLPAY_ENABLE_PAYMENT_LOGGING"),
            log_format=get("SKILLPAY_LOG_FORMAT", "console" if env == "development" else "json")
            or "console",
            worker_interval_ms=_int(get("SKILLPAY_WORKER_INTERVAL_MS", "5000") or "5000",
                                    "SKILLPAY_WORKER_INTERVAL_MS", 50, 3_600_000),
            callback_concurrency=_int(get("SKILLPAY_CALLBACK_CONCURRENCY", "8") or "8",
                                      "SKILLPAY_CALLBACK_CONCURRENCY", 0, 256),
            platform_webhook_urls=tuple(
                u.strip() for u in (get("SKILLPAY_PLATFORM_WEBHOOK_URLS", "") or "").split(",")
                if u.strip()),
            platform_webhook_secret=get("SKILLPAY_PLATFORM_WEBHOOK_SECRET", "") or "",
            test_crash_points=get("SKILLPAY_TEST_CRASH_AT", "") or "",
            timezone=_timezone(get("SKILLPAY_TIMEZONE") or DEFAULT_TIMEZONE, "SKILLPAY_TIMEZONE"),
            warnings=tuple(warnings),
            **rotation_settings(get),
            **safety_settings(get, env,
                              public_url=get("SKILLPAY_PUBLIC_URL") or DEFAULT_PUBLIC_URL),
        )
