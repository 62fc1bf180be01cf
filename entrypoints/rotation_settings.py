"""The secret-rotation part of the settings: previous secrets and the grace period.

Kept apart from settings.py (as safety_settings.py is). docs/operations.md "Rotating
secrets" gives the steps; docs/api.md lists the variables.

- `SKILLPAY_JWT_SECRET_PREVIOUS`: tokens signed with it still verify (never minted);
- `IKHOKHA_WEBHOOK_SECRET_PREVIOUS`: callbacks signed with it still verify. Callbacks are
  signed with the app secret unless `IKHOKHA_WEBHOOK_SECRET` is set, so without that
  variable `IKHOKHA_APP_SECRET_PREVIOUS` is the previous callback secret. Requests to
  iK Pay are always signed with the current app secret;
- `SKILLPAY_PLATFORM_WEBHOOK_SECRET_PREVIOUS`: platform webhooks carry a second `v1`
  signature made with it;
- `SKILLPAY_SECRET_GRACE_UNTIL`: an ISO-8601 instant with its offset (`Z` or `+00:00`),
  required with any previous secret; from then on only the current secrets count.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from adapters.platform_webhooks.signing import decode_secret

if TYPE_CHECKING:
    from entrypoints.settings import Settings

Get = Callable[..., "str | None"]
PREVIOUS_NAMES = ("SKILLPAY_JWT_SECRET_PREVIOUS", "IKHOKHA_APP_SECRET_PREVIOUS",
                  "IKHOKHA_WEBHOOK_SECRET_PREVIOUS", "SKILLPAY_PLATFORM_WEBHOOK_SECRET_PREVIOUS")
GRACE = "SKILLPAY_SECRET_GRACE_UNTIL"
MIN_JWT_SECRET = 32
MIN_PLATFORM_KEY = 24


def grace_until(raw: str) -> datetime:
    """An aware instant, in UTC. A date or time without an offset is refused: which
    midnight it means would depend on the server's zone."""
    from entrypoints.settings import SettingsError

    try:
        when = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise SettingsError(f"{GRACE} must be an ISO-8601 instant such as "
                            "2025-07-01T12:00:00Z") from None
    if when.tzinfo is None or when.utcoffset() is None:
        raise SettingsError(f"{GRACE} must say its offset (end it with Z for UTC)")
    return when.astimezone(UTC)


def rotation_settings(get: Get) -> dict[str, Any]:
    """The Settings fields of a rotation; the secrets are trimmed like the current ones."""
    from entrypoints.settings import SettingsError

    values = {name: (get(name, "") or "").strip() for name in PREVIOUS_NAMES}
    raw_grace = (get(GRACE, "") or "").strip()
    if any(values.values()) and not raw_grace:
        raise SettingsError(f"{GRACE} is required with a *_PREVIOUS secret: it is when the "
                            "previous secret stops being accepted")
    return {
        "jwt_secret_previous": values["SKILLPAY_JWT_SECRET_PREVIOUS"],
        "ikhokha_app_secret_previous": values["IKHOKHA_APP_SECRET_PREVIOUS"],
        "ikhokha_webhook_secret_previous": values["IKHOKHA_WEBHOOK_SECRET_PREVIOUS"],
        "platform_webhook_secret_previous": values["SKILLPAY_PLATFORM_WEBHOOK_SECRET_PREVIOUS"],
        "secret_grace_until": grace_until(raw_grace) if raw_grace else None,
    }


def callback_secret_previous(s: Settings) -> str:
    """The previous secret callbacks may be signed with: its own, or, when callbacks are
    signed with the app secret (no IKHOKHA_WEBHOOK_SECRET of their own), the app's."""
    if s.ikhokha_webhook_secret_previous:
        return s.ikhokha_webhook_secret_previous
    return s.ikhokha_app_secret_previous if s.ikhokha_webhook_secret == s.ikhokha_app_secret \
        else ""


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
