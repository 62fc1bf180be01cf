"""Every UNCERTAIN point of the iK Pay protocol (docs/ikhokha.md), each in one named place.

iKhokha publishes no spec, so these are decisions, not facts. One live test against
iKhokha should settle each; change it here and nowhere else.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from domain.gateway_report import GatewayStatus

log = logging.getLogger("adapters.ikhokha")

# Sources disagree on what `entityID` is; we send our App ID (the IK-APPID value).
ENTITY_ID_IS_APP_ID = True

# `mode` values: iKhokha's README says only "live" works today.
MODE_TEST, MODE_LIVE = "test", "live"

# The only success responseCode seen; every other code is undocumented.
SUCCESS_RESPONSE_CODE = "00"

# Status values seen in community integrations. PAID is a synonym of SUCCESS.
_STATUS_MAP: dict[str, GatewayStatus] = {
    "PENDING": GatewayStatus.PENDING,
    "SUCCESS": GatewayStatus.SUCCESS,
    "PAID": GatewayStatus.SUCCESS,
    "FAILURE": GatewayStatus.FAILURE,
    "FAILED": GatewayStatus.FAILURE,
    "CANCELLED": GatewayStatus.CANCELLED,
    "EXPIRED": GatewayStatus.EXPIRED,
}


def map_status(raw: str | None) -> GatewayStatus:
    """Unknown values mean "still pending", logged loudly, and are never success."""
    known = _STATUS_MAP.get((raw or "").strip().upper())
    if known is None:
        log.warning("ikhokha reported an unknown paylink status %r; treating as PENDING", raw)
        return GatewayStatus.PENDING
    return known


# iK Pay is ZAR only; a status answer carries no currency. An amount without a currency
# is read as ZAR; an answer that does name a currency is taken at its word (and then
# compared with our record like any other).
STATUS_DEFAULT_CURRENCY = "ZAR"

# getStatus for a paylink the gateway does not know: our simulator answers 404; we read
# that as "unknown at the gateway" (None), not as an error.
STATUS_UNKNOWN_HTTP_STATUSES = frozenset({404})

# History query dates: YYYY-MM-DD (community evidence only), inclusive on both ends,
# fetched in windows so one call never asks for an unbounded range.
HISTORY_DATE_FORMAT = "%Y-%m-%d"
HISTORY_WINDOW = timedelta(days=7)


def history_params(start: date, end: date) -> dict[str, str]:
    return {"startDate": start.strftime(HISTORY_DATE_FORMAT),
            "endDate": end.strftime(HISTORY_DATE_FORMAT)}


# History body shape is unknown: a bare list, or a list under one of these members.
HISTORY_LIST_KEYS = ("transactions", "payments", "data", "items", "results")

# Paylink lifetime is undocumented; we assume 24 hours for `expires_at`.
PAYLINK_LIFETIME = timedelta(hours=24)

# Callbacks may carry a human-readable `text` member outside the signature. When the
# signature does not match the raw body, we check it over the compact re-serialisation
# (no spaces, UTF-8 kept, member order kept) without these members, whatever the raw
# body's spacing or escaping: the signed values and their order must be unchanged.
CALLBACK_UNSIGNED_MEMBERS = ("text",)

# Error bodies are undocumented: the first of these string members is the message.
ERROR_MESSAGE_KEYS = ("message", "responseMessage", "error")


def error_message(body: Any) -> str:
    """A short, secret-free description of an error body, for logs and details."""
    if isinstance(body, Mapping):
        for key in ERROR_MESSAGE_KEYS:
            value = body.get(key)
            if isinstance(value, str) and value:
                return value[:200]
    return ""
