"""The access-control part of the settings: hosts, CORS, proxies, rate limits.

Kept apart from settings.py so the table of docs/api.md stays readable there; the names
are listed in docs/security.md.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from entrypoints.settings_errors import Get, SettingsError

LOCAL_HOSTS = ("localhost", "127.0.0.1")


def _list(raw: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (raw or "").split(",") if p.strip())


def _count(get: Get, name: str, default: int) -> int:
    raw = get(name, str(default)) or str(default)
    try:
        number = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number") from None
    if not 0 <= number <= 100_000:
        raise SettingsError(f"{name} must be between 0 and 100000 (0 switches it off)")
    return number


def _prefix(raw: str) -> str:
    """The start of every rate-limit key in Redis: deployments sharing one Redis differ."""
    if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", raw):
        raise SettingsError("SKILLPAY_RATE_LIMIT_PREFIX must be 1-64 letters, digits or _.:-")
    return raw


def trusted_networks(raw: tuple[str, ...]) -> tuple[str, ...]:
    for cidr in raw:
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            raise SettingsError(f"SKILLPAY_TRUSTED_PROXIES: {cidr!r} is not an IP network") \
                from None
    return raw


def default_hosts(env: str, public_url: str) -> tuple[str, ...]:
    """Production: the public host only. Development adds localhost; tests take any host.

    Litestar compares the whole Host header, port included, so both forms are listed.
    """
    if env == "test":
        return ("*",)
    url = urlsplit(public_url)
    hosts = [url.hostname or "localhost", url.netloc]
    if env != "production":
        hosts += [*LOCAL_HOSTS, *(f"{h}:{url.port}" for h in LOCAL_HOSTS if url.port)]
    return tuple(dict.fromkeys(hosts))


def local_hosts(port: int) -> tuple[str, ...]:
    """What a development server bound to `port` answers to."""
    return (*LOCAL_HOSTS, *(f"{h}:{port}" for h in LOCAL_HOSTS))


def safety_settings(get: Get, env: str, *, public_url: str) -> dict[str, Any]:
    trusted_networks(_list(get("SKILLPAY_TRUSTED_PROXIES", "")))
    if (get("SKILLPAY_LOG_FORMAT") or "console") not in ("console", "json"):
        raise SettingsError("SKILLPAY_LOG_FORMAT must be console or json")
    return {
        "allowed_hosts": _list(get("SKILLPAY_ALLOWED_HOSTS")) or default_hosts(env, public_url),
        "cors_origins": _list(get("SKILLPAY_CORS_ORIGINS")),
        "rate_limit_payments": _count(get, "SKILLPAY_RATE_LIMIT_PAYMENTS", 10),
        "rate_limit_webhook": _count(get, "SKILLPAY_RATE_LIMIT_WEBHOOK", 120),
        "rate_limit_verify": _count(get, "SKILLPAY_RATE_LIMIT_VERIFY", 30),
        "rate_limit_prefix": _prefix(get("SKILLPAY_RATE_LIMIT_PREFIX") or "skillpay"),
        "max_open_checkouts": _count(get, "SKILLPAY_MAX_OPEN_CHECKOUTS", 5),
    }
