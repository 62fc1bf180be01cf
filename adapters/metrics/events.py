"""Which domain events mean what for the counters, shared by every Metrics adapter."""

from __future__ import annotations

from dataclasses import dataclass

from domain.events import (
    DomainEvent,
    PaymentAnomalyDetected,
    PaymentCreated,
    PaymentFlaggedForReview,
    Transitioned,
)

FINAL_PAYMENT_STATUSES = frozenset({"succeeded", "failed", "cancelled", "expired"})


@dataclass(frozen=True, slots=True)
class Tally:
    """One increment: `metric` names a counter, `labels` its label values."""

    metric: str
    labels: tuple[tuple[str, str], ...] = ()


def tallies(event: DomainEvent) -> list[Tally]:
    if isinstance(event, PaymentCreated):
        return [Tally("payments_started")]
    if isinstance(event, PaymentFlaggedForReview):
        return [Tally("payments_flagged", (("reason", event.review_reason),))]
    if isinstance(event, PaymentAnomalyDetected):
        return [Tally("payment_anomalies", (("reported", event.reported_status),))]
    if not isinstance(event, Transitioned):
        return []
    if event.entity == "payment" and event.to_status in FINAL_PAYMENT_STATUSES:
        reason = "none" if event.to_status == "succeeded" else (event.reason or "unknown")
        return [Tally("payments_finished", (("status", event.to_status), ("reason", reason)))]
    if event.entity == "payment" and event.to_status in ("partially_refunded", "refunded"):
        return [Tally("payments_refunded", (("status", event.to_status),))]
    if event.entity == "refund":
        return [Tally("refunds", (("status", event.to_status),))]
    return []
