"""The checks of a secret rotation's settings: previous secrets usable, never the current
one, and the grace period not passed (what `SKILLPAY_*_PREVIOUS` and
`SKILLPAY_SECRET_GRACE_UNTIL` mean: rotation_settings.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from adapters.platform_webhooks.signing import decode_secret
from entrypoints.rotation_settings import GRACE
from entrypoints.settings import Settings

MIN_JWT_SECRET = 32
MIN_PLATFORM_KEY = 24


def _platform_key_ok(secret: str) -> bool:
    try:
        return len(decode_secret(secret)) >= MIN_PLATFORM_KEY
    except ValueError:
        return False


def rotation_problems(s: Settings, placeholder: Callable[[str], bool]) -> list[str]:
    """Any environment: a previous platform secret must be usable (it signs every send).
    Production: a previous secret is never the current one, nor weaker than a current one
    may be (`placeholder` is production's test of the current iKhokha secrets)."""
    problems: list[str] = []
    if s.platform_webhook_secret_previous and not _platform_key_ok(
            s.platform_webhook_secret_previous):
        problems.append("SKILLPAY_PLATFORM_WEBHOOK_SECRET_PREVIOUS must be whsec_ + base64 of "
                        f"at least {MIN_PLATFORM_KEY} random bytes")
    if not s.is_production:
        return problems
    pairs = (("SKILLPAY_JWT_SECRET", s.jwt_secret, s.jwt_secret_previous),
             ("IKHOKHA_APP_SECRET", s.ikhokha_app_secret, s.ikhokha_app_secret_previous),
             ("IKHOKHA_WEBHOOK_SECRET", s.ikhokha_webhook_secret,
              s.ikhokha_webhook_secret_previous),
             ("SKILLPAY_PLATFORM_WEBHOOK_SECRET", s.platform_webhook_secret,
              s.platform_webhook_secret_previous))
    for name, current, previous in pairs:
        if previous and previous == current:
            problems.append(f"{name}_PREVIOUS equals {name}: set the new secret as "
                            f"{name} and the old one as {name}_PREVIOUS")
    if s.jwt_secret_previous and len(s.jwt_secret_previous) < MIN_JWT_SECRET:
        problems.append(f"SKILLPAY_JWT_SECRET_PREVIOUS is shorter than {MIN_JWT_SECRET} "
                        "characters")
    for name, previous in (("IKHOKHA_APP_SECRET_PREVIOUS", s.ikhokha_app_secret_previous),
                           ("IKHOKHA_WEBHOOK_SECRET_PREVIOUS",
                            s.ikhokha_webhook_secret_previous)):
        if previous and placeholder(previous):
            problems.append(f"{name} is too short or looks like a placeholder")
    return problems


def rotation_warnings(s: Settings, now: datetime) -> list[str]:
    if s.secret_grace_until is None:
        return []
    configured = [name for name, value in (  # as set, not as derived
        ("SKILLPAY_JWT_SECRET_PREVIOUS", s.jwt_secret_previous),
        ("IKHOKHA_APP_SECRET_PREVIOUS", s.ikhokha_app_secret_previous),
        ("IKHOKHA_WEBHOOK_SECRET_PREVIOUS", s.ikhokha_webhook_secret_previous),
        ("SKILLPAY_PLATFORM_WEBHOOK_SECRET_PREVIOUS", s.platform_webhook_secret_previous))
        if value]
    if configured and now >= s.secret_grace_until:
        return [f"{GRACE} has passed: {', '.join(configured)} no longer verify anything; "
                "remove them"]
    return []
