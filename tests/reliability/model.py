"""The plain model the state machine compares the product with: what the gateway has
said about each paylink, and what we may therefore believe. Deliberately tiny."""

from __future__ import annotations

from dataclasses import dataclass, field

CAPTURED = {"succeeded", "partially_refunded", "refunded"}
UNPAID = {"failed", "cancelled", "expired"}


@dataclass
class ModelPayment:
    id: str
    enrollment_id: str
    paylink_id: str
    amount: int
    gateway: str = "PENDING"  # what the gateway says now
    ever_success: bool = False  # the gateway has said SUCCESS at some point
    last_seen: str = "pending"  # our status at the previous check


@dataclass
class Model:
    payments: dict[str, ModelPayment] = field(default_factory=dict)
    activations: dict[str, int] = field(default_factory=dict)  # enrollment -> count

    def allowed_next(self, before: str, after: str) -> bool:
        """No exit from a terminal state except through refunds."""
        if before in UNPAID:
            return after == before
        if before in CAPTURED:
            return after in CAPTURED and not (before == "refunded" and after != "refunded")
        return True
