"""Typed settings, read once from the environment: one declaration per variable.

Each field of `Settings` is its variable's whole declaration: the name (docs/api.md's
table; a seed `VITE_*` name as a second one), the kind of value with its bounds, the
default, and whether it is a secret. Defaults that depend on other variables are in
`_with_defaults`. settings_reading.py reads an environment into the dataclass with
pydantic; `Settings(...)` built directly reads and checks nothing (tests do that).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from entrypoints.rotation_settings import GraceUntil, missing_grace
from entrypoints.safety_settings import Count, KeyPrefix, Networks, default_hosts
from entrypoints.setting_types import (
    Flag,
    Names,
    Timezone,
    Trimmed,
    Url,
    Whole,
    between,
    comma_list,
    one_of,
    var,
)
from entrypoints.settings_errors import SettingsError
from entrypoints.settings_reading import read_settings, variables

__all__ = ["IKHOKHA_PRODUCTION_URL", "SECRET_NAMES", "Settings", "SettingsError"]

IKHOKHA_PRODUCTION_URL = "https://api.ikhokha.com/public-api/v1/api"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./skillpay.db"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEZONE = "Africa/Johannesburg"

Environment = Annotated[str, one_of("development", "test", "production", lowered=True)]
Gateway = Annotated[str, one_of("ikhokha", "fake", lowered=True)]
LogFormat = Annotated[str, one_of("console", "json")]


@dataclass(frozen=True, slots=True)
class Settings:
    """What the service runs with. A field `Annotated[kind, var(NAME)]` is read from the
    variable NAME; `field(default="", repr=False)` declares a secret: out of repr,
    masked by check-config, listed in SECRET_NAMES."""

    env: Annotated[Environment, var("SKILLPAY_ENV", "VITE_NODE_ENV")] = "development"
    database_url: Annotated[str, var("SKILLPAY_DATABASE_URL")] = DEFAULT_DATABASE_URL
    public_url: Annotated[Url, var("SKILLPAY_PUBLIC_URL")] = DEFAULT_PUBLIC_URL
    jwt_secret: Annotated[str, var("SKILLPAY_JWT_SECRET")] = field(default="", repr=False)
    jwt_secret_generated: bool = False
    redis_url: Annotated[str | None, var("REDIS_URL")] = None
    gateway: Annotated[Gateway, var("SKILLPAY_GATEWAY")] = "fake"
    ikhokha_api_url: Annotated[
        Url, var("IKHOKHA_API_URL", "VITE_IKHOKHA_API_URL")] = IKHOKHA_PRODUCTION_URL
    ikhokha_app_id: Annotated[str, var("IKHOKHA_APP_ID", "VITE_IKHOKHA_API_KEY")] = ""
    ikhokha_app_secret: Annotated[
        Trimmed, var("IKHOKHA_APP_SECRET", "VITE_IKHOKHA_API_SECRET")
    ] = field(default="", repr=False)
    ikhokha_webhook_secret: Annotated[
        Trimmed, var("IKHOKHA_WEBHOOK_SECRET", "VITE_IKHOKHA_WEBHOOK_SECRET")
    ] = field(default="", repr=False)
    ikhokha_test_mode: Annotated[
        Flag, var("IKHOKHA_TEST_MODE", "VITE_IKHOKHA_TEST_MODE")] = True
    ikhokha_timeout_ms: Annotated[
        Whole, between(100, 120_000), var("IKHOKHA_TIMEOUT_MS", "VITE_IKHOKHA_TIMEOUT")
    ] = 15000
    ikhokha_deadline_ms: Annotated[
        Whole, between(100, 300_000), var("IKHOKHA_DEADLINE_MS")] = 30000
    ikhokha_retry_attempts: Annotated[
        Whole, between(0, 10), var("IKHOKHA_RETRY_ATTEMPTS", "VITE_IKHOKHA_RETRY_ATTEMPTS")
    ] = 3
    ikhokha_retry_delay_ms: Annotated[
        Whole, between(0, 60_000), var("IKHOKHA_RETRY_DELAY_MS", "VITE_IKHOKHA_RETRY_DELAY")
    ] = 2000
    enable_webhook_validation: Annotated[
        Flag, var("SKILLPAY_ENABLE_WEBHOOK_VALIDATION")] = True
    require_https: Annotated[Flag, var("SKILLPAY_REQUIRE_HTTPS")] = False
    trusted_proxies: Annotated[Networks, var("SKILLPAY_TRUSTED_PROXIES")] = ()
    enable_payment_logging: Annotated[Flag, var("SKILLPAY_ENABLE_PAYMENT_LOGGING")] = True
    log_format: Annotated[LogFormat, var("SKILLPAY_LOG_FORMAT")] = "console"
    worker_interval_ms: Annotated[
        Whole, between(50, 3_600_000), var("SKILLPAY_WORKER_INTERVAL_MS")] = 5000
    # callbacks this instance confirms at once after acknowledging them; 0: acknowledge
    # only and leave every callback to the workers (instances that only take traffic)
    callback_concurrency: Annotated[
        Whole, between(0, 256), var("SKILLPAY_CALLBACK_CONCURRENCY")] = 8
    platform_webhook_urls: Annotated[Names, var("SKILLPAY_PLATFORM_WEBHOOK_URLS")] = ()
    platform_webhook_secret: Annotated[
        str, var("SKILLPAY_PLATFORM_WEBHOOK_SECRET")] = field(default="", repr=False)
    # Secret rotation (entrypoints/rotation_settings.py): previous secrets verify until
    # secret_grace_until; tokens, requests and webhooks are signed with the current ones.
    jwt_secret_previous: Annotated[
        Trimmed, var("SKILLPAY_JWT_SECRET_PREVIOUS")] = field(default="", repr=False)
    ikhokha_app_secret_previous: Annotated[
        Trimmed, var("IKHOKHA_APP_SECRET_PREVIOUS")] = field(default="", repr=False)
    ikhokha_webhook_secret_previous: Annotated[
        Trimmed, var("IKHOKHA_WEBHOOK_SECRET_PREVIOUS")] = field(default="", repr=False)
    platform_webhook_secret_previous: Annotated[
        Trimmed, var("SKILLPAY_PLATFORM_WEBHOOK_SECRET_PREVIOUS")
    ] = field(default="", repr=False)
    secret_grace_until: Annotated[GraceUntil, var("SKILLPAY_SECRET_GRACE_UNTIL")] = None
    test_crash_points: Annotated[str, var("SKILLPAY_TEST_CRASH_AT")] = ""
    warnings: tuple[str, ...] = ()  # for each VITE_ name read (settings_reading.py)
    allowed_hosts: Annotated[Names, var("SKILLPAY_ALLOWED_HOSTS")] = ("*",)
    cors_origins: Annotated[Names, var("SKILLPAY_CORS_ORIGINS")] = ()
    rate_limit_payments: Annotated[Count, var("SKILLPAY_RATE_LIMIT_PAYMENTS")] = 10
    rate_limit_webhook: Annotated[Count, var("SKILLPAY_RATE_LIMIT_WEBHOOK")] = 120
    rate_limit_verify: Annotated[Count, var("SKILLPAY_RATE_LIMIT_VERIFY")] = 30
    rate_limit_prefix: Annotated[KeyPrefix, var("SKILLPAY_RATE_LIMIT_PREFIX")] = "skillpay"
    max_open_checkouts: Annotated[Count, var("SKILLPAY_MAX_OPEN_CHECKOUTS")] = 5
    # the platform's day, e.g. for the daily reconciliation
    timezone: Annotated[Timezone, var("SKILLPAY_TIMEZONE")] = DEFAULT_TIMEZONE

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Raises SettingsError, one line per problem naming its variable (never the
        value)."""
        return read_settings(cls, environ, _with_defaults, missing_grace)


def _with_defaults(found: dict[str, str]) -> dict[str, Any]:
    """The variables that are set, and the defaults that depend on other variables."""
    env = found.get("SKILLPAY_ENV", "development").lower()
    production = env == "production"
    public_url = found.get("SKILLPAY_PUBLIC_URL", DEFAULT_PUBLIC_URL)
    jwt_generated = "SKILLPAY_JWT_SECRET" not in found and not production
    return {
        "SKILLPAY_JWT_SECRET": secrets.token_urlsafe(32) if jwt_generated else "",
        "SKILLPAY_GATEWAY": "ikhokha" if found.get("IKHOKHA_APP_ID") else "fake",
        "IKHOKHA_WEBHOOK_SECRET": found.get("IKHOKHA_APP_SECRET", ""),  # stripped as read
        "IKHOKHA_TEST_MODE": "false" if production else "true",
        "SKILLPAY_REQUIRE_HTTPS": "true" if production else "false",
        "SKILLPAY_LOG_FORMAT": "console" if env == "development" else "json",
        **found,
        # an empty list (such as ",") is the default too
        "SKILLPAY_ALLOWED_HOSTS": comma_list(found.get("SKILLPAY_ALLOWED_HOSTS", ""))
        or default_hosts(env, public_url),
        "jwt_secret_generated": jwt_generated,
    }


SECRET_NAMES = frozenset(v.name for v in variables(Settings) if v.secret)
