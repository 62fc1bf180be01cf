"""Port: the append-only audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from application.ports.audit_entry import AuditEntry


class AuditLog(Protocol):
    """The audit trail of one `UnitOfWork` (reached as `uow.audit`).

    Contract: append-only — entries are never changed or removed. An appended entry is
    written by the unit of work's `commit`, atomically with the changes it describes,
    or not at all (the commit also appends one entry per recorded state change by
    itself). `for_entities` reads committed entries, in the order they were appended.
    """

    async def append(self, entry: AuditEntry) -> None: ...
    async def for_entities(self, entity_ids: Sequence[str]) -> list[AuditEntry]: ...
