"""One unit of work's view of the memory store: its private copies of what it read, what
it added, and the audit entries and inbox items staged for its commit.

Repositories read through the view (its own changes first, then committed rows) and
stage into it; the unit of work checks and applies what is staged
(adapters/memory/unit_of_work.py). Both import this module, never each other.
"""

from __future__ import annotations

import copy
from typing import Any

from adapters.memory.store import MemoryStore
from application.ports import AuditEntry, InboxItem


def private_copy(entity: Any) -> Any:
    clone = copy.copy(entity)
    clone.events = []
    return clone


class MemoryView:
    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        # (kind, id) -> (private copy, version read); (kind, id) -> entity added here
        self.loaded: dict[tuple[str, str], tuple[Any, int]] = {}
        self.new: dict[tuple[str, str], Any] = {}
        self.staged_audit: list[AuditEntry] = []
        self.staged_inbox: dict[str, InboxItem] = {}

    def stage_new(self, kind: str, entity: Any) -> None:
        self.new[(kind, entity.id)] = entity

    def load(self, kind: str, entity_id: str) -> Any | None:
        key = (kind, entity_id)
        if key in self.new:
            return self.new[key]
        if key not in self.loaded:
            row = self.store.table(kind).get(entity_id)
            if row is None:
                return None
            self.loaded[key] = (private_copy(row), row.version)  # type: ignore[attr-defined]
        return self.loaded[key][0]

    def all_rows(self, kind: str) -> list[Any]:
        rows = dict(self.store.table(kind))
        rows.update({k[1]: v for k, v in self.new.items() if k[0] == kind})
        rows.update({k[1]: v[0] for k, v in self.loaded.items() if k[0] == kind})
        return list(rows.values())

    def clear(self) -> None:
        self.loaded.clear()
        self.new.clear()
        self.staged_audit.clear()
        self.staged_inbox.clear()
