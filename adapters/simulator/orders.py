"""The create-paylink body as the simulator accepts it: docs/ikhokha.md's field list, with
its own literal names (no import from the adapter, whose names it is checking).

Unknown members are refused (400): a misspelt optional member such as
`paymentRefrence` would otherwise vanish silently, on our side and at iKhokha's.
"""

from __future__ import annotations

import msgspec

MODES = ("live", "test")


class OrderUrls(msgspec.Struct, forbid_unknown_fields=True):
    callbackUrl: str
    successPageUrl: str
    failurePageUrl: str
    cancelUrl: str


class PaylinkOrder(msgspec.Struct, forbid_unknown_fields=True):
    entityID: str
    amount: int  # cents; JSON 100.0 or "100" is refused by msgspec
    currency: str
    requesterUrl: str
    mode: str
    externalTransactionID: str
    urls: OrderUrls
    externalEntityID: str | None = None
    description: str | None = None
    paymentReference: str | None = None


def read_order(raw: bytes, app_id: str) -> PaylinkOrder:
    """Decode and check a create body; ValueError (with why) when it is not acceptable."""
    try:
        order = msgspec.json.decode(raw, type=PaylinkOrder)
    except msgspec.DecodeError as exc:  # ValidationError included
        raise ValueError(f"invalid request: {exc}") from None
    if order.amount <= 0 or order.currency != "ZAR" or order.entityID != app_id:
        raise ValueError("amount must be positive, currency ZAR, entityID the app id")
    if order.mode not in MODES or not order.externalTransactionID or not order.requesterUrl:
        raise ValueError("mode must be live or test; externalTransactionID and "
                         "requesterUrl must be given")
    return order
