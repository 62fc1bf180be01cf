"""What goes to and comes back from the payment gateway (the `PaymentGateway` port)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from domain.gateway_report import GatewayStatus
from domain.money import Money


@dataclass(frozen=True, slots=True)
class PaylinkRequest:
    """Everything a gateway needs to issue one paylink. `payment_id` is the
    externalTransactionID: retrying a create with the same id is safe."""

    payment_id: str
    enrollment_id: str
    amount: Money
    description: str
    callback_url: str
    success_url: str
    failure_url: str
    cancel_url: str


@dataclass(frozen=True, slots=True)
class Paylink:
    paylink_id: str
    checkout_url: str
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CallbackNotice:
    """A callback whose signature checked out. Its claims still need confirming."""

    paylink_id: str
    status: GatewayStatus
    external_transaction_id: str | None
    dedupe_key: str


class RefundMode(str, Enum):
    COMPLETED = "completed"
    MANUAL_ACTION_REQUIRED = "manual_action_required"


@dataclass(frozen=True, slots=True)
class RefundResult:
    mode: RefundMode
    gateway_reference: str | None = None
