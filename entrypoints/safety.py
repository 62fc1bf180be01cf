"""Production refuses to start on unsafe settings: one clear line per problem."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from adapters.platform_webhooks.signing import decode_secret
from entrypoints.rotation_checks import rotation_problems, rotation_warnings
from entrypoints.settings import IKHOKHA_PRODUCTION_URL, Settings

_PLACEHOLDERS = ("changeme", "change-me", "your-", "placeholder", "xxx", "example", "test",
                 "dummy", "secret")
MIN_JWT_SECRET = 32


def _placeholder(value: str) -> bool:
    lowered = value.lower()
    return not value or any(p in lowered for p in _PLACEHOLDERS) or len(value) < 8


def platform_webhook_problems(s: Settings) -> list[str]:
    """Outbound webhooks need a Standard Webhooks secret (any environment)."""
    if not s.platform_webhook_urls:
        return []
    try:
        key = decode_secret(s.platform_webhook_secret)
    except ValueError:
        key = b""
    if len(key) < 24:
        return ["SKILLPAY_PLATFORM_WEBHOOK_SECRET must be whsec_ + base64 of at least 24 "
                "random bytes when SKILLPAY_PLATFORM_WEBHOOK_URLS is set"]
    return []


def production_problems(s: Settings) -> list[str]:
    """Every reason these settings are unsafe in production (empty outside production)."""
    if not s.is_production:
        return []
    problems: list[str] = []
    if s.gateway != "ikhokha":
        problems.append("SKILLPAY_GATEWAY must be ikhokha in production (the fake is for tests)")
    if s.ikhokha_test_mode:
        problems.append("IKHOKHA_TEST_MODE is on: production must take live payments")
    url = urlsplit(s.ikhokha_api_url)
    if url.scheme != "https":
        problems.append("IKHOKHA_API_URL must use https in production")
    official = urlsplit(IKHOKHA_PRODUCTION_URL)
    if (url.netloc, url.path.rstrip("/")) != (official.netloc, official.path):
        problems.append("IKHOKHA_API_URL must be iKhokha's production host in production")
    if _placeholder(s.ikhokha_app_id):
        problems.append("IKHOKHA_APP_ID is missing or looks like a placeholder")
    if _placeholder(s.ikhokha_app_secret):
        problems.append("IKHOKHA_APP_SECRET is missing or looks like a placeholder")
    if _placeholder(s.ikhokha_webhook_secret):
        problems.append("IKHOKHA_WEBHOOK_SECRET is missing or looks like a placeholder")
    if not s.enable_webhook_validation:
        problems.append("SKILLPAY_ENABLE_WEBHOOK_VALIDATION is off: forged callbacks would pass")
    if not s.require_https:
        problems.append("SKILLPAY_REQUIRE_HTTPS is off: tokens would cross the network in clear")
    if len(s.jwt_secret) < MIN_JWT_SECRET:
        problems.append(f"SKILLPAY_JWT_SECRET is missing or shorter than {MIN_JWT_SECRET} "
                        "characters")
    if s.database_url.startswith("sqlite"):
        problems.append("SKILLPAY_DATABASE_URL is SQLite: production needs PostgreSQL")
    if urlsplit(s.public_url).scheme != "https":
        problems.append("SKILLPAY_PUBLIC_URL must be https in production")
    if s.test_crash_points:
        problems.append("SKILLPAY_TEST_CRASH_AT is a reliability-test switch: never in production")
    if any(urlsplit(u).scheme != "https" for u in s.platform_webhook_urls):
        problems.append("SKILLPAY_PLATFORM_WEBHOOK_URLS must all be https in production")
    return problems


def _local(url: str) -> bool:
    return (urlsplit(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


def startup_problems(s: Settings) -> list[str]:
    """Production's rules, plus: with HTTPS required, the gateway is reached over https
    too (a simulator on localhost excepted in development)."""
    problems = (production_problems(s) + platform_webhook_problems(s)
                + rotation_problems(s, _placeholder))
    if (not s.is_production and s.require_https and s.gateway == "ikhokha"
            and urlsplit(s.ikhokha_api_url).scheme != "https"
            and not (s.env == "development" and _local(s.ikhokha_api_url))):
        problems.append("IKHOKHA_API_URL must use https when SKILLPAY_REQUIRE_HTTPS is on")
    return problems


def startup_warnings(s: Settings) -> list[str]:
    """Loud lines for settings that are allowed here but never in production."""
    warnings = list(s.warnings) + rotation_warnings(s, datetime.now(UTC))
    if not s.enable_webhook_validation:
        warnings.append("SKILLPAY_ENABLE_WEBHOOK_VALIDATION is off: callback signatures are "
                        "NOT checked; anyone can post callbacks (never do this in production)")
    if s.is_production and s.require_https and not s.trusted_proxies:
        warnings.append("SKILLPAY_TRUSTED_PROXIES is empty: behind a TLS-terminating proxy "
                        "every request arrives as plain HTTP and is refused; list its CIDR")
    if s.jwt_secret_generated:
        warnings.append("SKILLPAY_JWT_SECRET is not set: a random key signs tokens and they "
                        "stop working when the process restarts")
    return warnings
