"""The statuses a payment moves through, the groups the rules reason about, and what
applying one gateway report did.

Kept apart from the Payment aggregate so adapters, queries and pages can name a status
or a group (`OPEN`, `CAPTURED`, ...) without reading the rules that move between them.

created -> pending -> succeeded | failed | cancelled | expired
succeeded -> partially_refunded -> refunded
"""

from __future__ import annotations

from enum import Enum


class PaymentStatus(str, Enum):
    CREATED = "created"
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


OPEN = frozenset({PaymentStatus.CREATED, PaymentStatus.PENDING})
CLOSED_UNPAID = frozenset({PaymentStatus.FAILED, PaymentStatus.CANCELLED, PaymentStatus.EXPIRED})
CAPTURED = frozenset(
    {PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}
)


class ApplyOutcome(str, Enum):
    """What applying one gateway report did."""

    CHANGED = "changed"
    UNCHANGED = "unchanged"
    UNCONFIRMED = "unconfirmed"
    FLAGGED = "flagged"
    ANOMALY = "anomaly"
    HELD_FOR_REVIEW = "held_for_review"
