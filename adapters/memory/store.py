"""The shared in-memory 'database': committed rows, versions and one commit lock."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from application.ports import AuditEntry, GatewayCall, InboxItem, StoredResponse
from domain.enrollment import Enrollment
from domain.events import DomainEvent
from domain.payment import Payment
from domain.refund import Refund
from domain.risk import RiskRule, default_rules
from domain.risk_records import CourseProgress, RiskCounter, RiskFlag


def _default_rules() -> dict[str, RiskRule]:
    return {rule.id: rule for rule in default_rules()}


@dataclass
class IdempotencyRecord:
    fingerprint: str
    created_at: datetime
    locked_until: datetime
    response: StoredResponse | None = None


@dataclass
class MemoryStore:
    """Committed state. Entities are stored as private copies; readers get copies."""

    payments: dict[str, Payment] = field(default_factory=dict)
    enrollments: dict[str, Enrollment] = field(default_factory=dict)
    refunds: dict[str, Refund] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    inbox: dict[str, InboxItem] = field(default_factory=dict)
    idempotency: dict[tuple[str, str], IdempotencyRecord] = field(default_factory=dict)
    published: list[DomainEvent] = field(default_factory=list)
    gateway_calls: list[GatewayCall] = field(default_factory=list)
    risk_rules: dict[str, RiskRule] = field(default_factory=_default_rules)
    risk_counters: dict[str, RiskCounter] = field(default_factory=dict)
    risk_flags: dict[str, RiskFlag] = field(default_factory=dict)
    course_progress: dict[str, CourseProgress] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def table(self, kind: str) -> dict[str, object]:
        return getattr(self, kind)  # type: ignore[no-any-return]
