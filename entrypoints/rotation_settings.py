"""The secret-rotation part of the settings: previous secrets and the grace period.

Kept apart from settings.py (as safety_settings.py is), which reads with it; the checks
of a rotation's finished settings are in rotation_checks.py. docs/operations.md
"Rotating secrets" gives the steps; docs/api.md lists the variables.

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

from datetime import UTC, datetime
from typing import Any, Protocol

from entrypoints.settings_errors import Get, SettingsError

PREVIOUS_NAMES = ("SKILLPAY_JWT_SECRET_PREVIOUS", "IKHOKHA_APP_SECRET_PREVIOUS",
                  "IKHOKHA_WEBHOOK_SECRET_PREVIOUS", "SKILLPAY_PLATFORM_WEBHOOK_SECRET_PREVIOUS")
GRACE = "SKILLPAY_SECRET_GRACE_UNTIL"


def grace_until(raw: str) -> datetime:
    """An aware instant, in UTC. A date or time without an offset is refused: which
    midnight it means would depend on the server's zone."""
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


class CallbackSecrets(Protocol):
    """The settings' fields `callback_secret_previous` reads."""

    @property
    def ikhokha_app_secret(self) -> str: ...
    @property
    def ikhokha_webhook_secret(self) -> str: ...
    @property
    def ikhokha_app_secret_previous(self) -> str: ...
    @property
    def ikhokha_webhook_secret_previous(self) -> str: ...


def callback_secret_previous(s: CallbackSecrets) -> str:
    """The previous secret callbacks may be signed with: its own, or, when callbacks are
    signed with the app secret (no IKHOKHA_WEBHOOK_SECRET of their own), the app's."""
    if s.ikhokha_webhook_secret_previous:
        return s.ikhokha_webhook_secret_previous
    return s.ikhokha_app_secret_previous if s.ikhokha_webhook_secret == s.ikhokha_app_secret \
        else ""
