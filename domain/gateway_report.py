"""What a payment gateway says about a paylink, in our words."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.money import Money


class GatewayStatus(str, Enum):
    """Gateway outcomes. Anything the gateway says that we do not know is PENDING."""

    PENDING = "PENDING"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"

    @property
    def is_final(self) -> bool:
        return self is not GatewayStatus.PENDING


@dataclass(frozen=True, slots=True)
class GatewayReport:
    """One observation of a paylink. `amount` is None when the gateway did not say."""

    paylink_id: str
    status: GatewayStatus
    external_transaction_id: str | None = None
    amount: Money | None = None
    failure_code: str | None = None
