"""Turn recorded domain events into audit entries: one per state change, plus flags
and anomalies. Every unit of work adapter calls this on commit, so no use-case can
forget it and no change is audited twice."""

from __future__ import annotations

from collections.abc import Iterable

from application.ports import AuditEntry
from domain import events as ev


def audit_entries_for(events: Iterable[ev.DomainEvent]) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for event in events:
        if isinstance(event, ev.Transitioned):
            entries.append(AuditEntry(
                at=event.occurred_at, actor=event.actor, entity=event.entity,
                entity_id=event.entity_id, action=event.name, from_status=event.from_status,
                to_status=event.to_status, reason=event.reason))
        elif isinstance(event, ev.PaymentFlaggedForReview):
            entries.append(AuditEntry(
                at=event.occurred_at, actor="system", entity="payment",
                entity_id=event.payment_id, action=event.name, from_status=None,
                to_status=None, reason=event.review_reason))
        elif isinstance(event, ev.PaymentReviewResolved):
            entries.append(AuditEntry(
                at=event.occurred_at, actor=event.actor, entity="payment",
                entity_id=event.payment_id, action=f"review_{event.action}",
                from_status=None, to_status=event.status,
                reason=f"{event.held_for}: {event.reason}"))
        elif isinstance(event, ev.PaymentAnomalyDetected):
            entries.append(AuditEntry(
                at=event.occurred_at, actor="system", entity="payment",
                entity_id=event.payment_id, action=event.name,
                from_status=event.current_status, to_status=None,
                reason=f"gateway reported {event.reported_status}"))
    return entries
