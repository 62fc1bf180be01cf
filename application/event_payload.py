"""The public shape of a domain event: what students, admins and the platform receive.

The id is derived from the event's content, so an event relayed twice (the outbox is
at-least-once) carries the same id both times and receivers can deduplicate.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from datetime import datetime
from typing import Any

from domain.events import DomainEvent

# Fields that stay internal: who acted is in the audit trail, not in public events.
_PRIVATE = frozenset({"actor"})


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value


def event_payload(event: DomainEvent) -> dict[str, Any]:
    data = {f.name: _plain(getattr(event, f.name)) for f in fields(event)
            if f.name not in _PRIVATE}
    canonical = json.dumps([event.name, data], sort_keys=True, separators=(",", ":"))
    event_id = "evt_" + hashlib.sha256(canonical.encode()).hexdigest()[:24]
    return {"id": event_id, "type": event.name, "data": data}


def student_channel(student_id: str) -> str:
    return f"student.{student_id}"


ADMIN_CHANNEL = "admin"
