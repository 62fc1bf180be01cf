"""The secret-rotation part of the settings: previous secrets and the grace period.

The kind of value of the grace period, the check that it is given with a previous
secret, and which previous secret callbacks verify with; settings.py declares the
variables. The checks of a rotation's finished settings are in rotation_checks.py;
docs/operations.md "Rotating secrets" gives the steps, docs/api.md lists the variables.

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

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Protocol

from pydantic import PlainValidator

PREVIOUS_NAMES = ("SKILLPAY_JWT_SECRET_PREVIOUS", "IKHOKHA_APP_SECRET_PREVIOUS",
                  "IKHOKHA_WEBHOOK_SECRET_PREVIOUS", "SKILLPAY_PLATFORM_WEBHOOK_SECRET_PREVIOUS")
GRACE = "SKILLPAY_SECRET_GRACE_UNTIL"


def _grace_until(raw: object) -> datetime | None:
    """An aware instant, in UTC; blank is unset. A date or time without an offset is
    refused: which midnight it means would depend on the server's zone."""
    if raw is None or isinstance(raw, datetime):
        return raw
    text = str(raw).strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("must be an ISO-8601 instant such as 2025-07-01T12:00:00Z") from None
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("must say its offset (end it with Z for UTC)")
    return when.astimezone(UTC)


GraceUntil = Annotated[datetime | None, PlainValidator(_grace_until)]


def missing_grace(found: Mapping[str, str]) -> list[str]:
    """A previous secret (among the variables set) needs the end of its grace period."""
    if any(found.get(name, "").strip() for name in PREVIOUS_NAMES) and \
            not found.get(GRACE, "").strip():
        return [f"{GRACE} is required with a *_PREVIOUS secret: it is when the previous "
                "secret stops being accepted"]
    return []


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
