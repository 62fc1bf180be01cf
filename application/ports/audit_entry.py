"""One line of the audit trail (the `AuditLog` port)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    entity: str  # payment | refund | enrollment | webhook
    entity_id: str
    action: str
    from_status: str | None
    to_status: str | None
    reason: str | None = None
