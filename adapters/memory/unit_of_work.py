"""A unit of work over MemoryStore with the guarantees the SQL one gives.

Reads hand out private copies (an identity map per transaction); commit checks each
touched row's version (optimistic concurrency), enforces the same uniqueness and money
constraints as the database schema, writes audit entries for the recorded events, and
applies everything at once under the store lock — or nothing.
"""

from __future__ import annotations

import copy
from dataclasses import fields
from typing import Any

from adapters.memory.repositories import (
    MemoryAudit,
    MemoryEnrollments,
    MemoryInbox,
    MemoryPayments,
    MemoryRefunds,
)
from adapters.memory.store import MemoryStore
from application.audit import audit_entries_for
from application.errors import ConcurrentUpdate
from application.ports import AuditEntry, InboxItem
from domain.enrollment import HOLDING
from domain.events import DomainEvent
from domain.payment import OPEN, Payment

_KINDS = ("payments", "enrollments", "refunds")


def _state(entity: Any) -> tuple[Any, ...]:
    return tuple(getattr(entity, f.name) for f in fields(entity) if f.name not in
                 ("events", "version"))


def _private_copy(entity: Any) -> Any:
    clone = copy.copy(entity)
    clone.events = []
    return clone


class MemoryUnitOfWork:
    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.payments = MemoryPayments(self)
        self.enrollments = MemoryEnrollments(self)
        self.refunds = MemoryRefunds(self)
        self.audit = MemoryAudit(self)
        self.webhook_inbox = MemoryInbox(self)
        self._loaded: dict[tuple[str, str], tuple[Any, int]] = {}
        self._new: dict[tuple[str, str], Any] = {}
        self.staged_audit: list[AuditEntry] = []
        self.staged_inbox: dict[str, InboxItem] = {}

    async def __aenter__(self) -> MemoryUnitOfWork:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._loaded.clear()
        self._new.clear()
        self.staged_audit.clear()
        self.staged_inbox.clear()

    # -- used by the repositories --------------------------------------------------------
    def stage_new(self, kind: str, entity: Any) -> None:
        self._new[(kind, entity.id)] = entity

    def load(self, kind: str, entity_id: str) -> Any | None:
        key = (kind, entity_id)
        if key in self._new:
            return self._new[key]
        if key not in self._loaded:
            row = self.store.table(kind).get(entity_id)
            if row is None:
                return None
            self._loaded[key] = (_private_copy(row), row.version)  # type: ignore[attr-defined]
        return self._loaded[key][0]

    def all_rows(self, kind: str) -> list[Any]:
        rows = dict(self.store.table(kind))
        rows.update({k[1]: v for k, v in self._new.items() if k[0] == kind})
        rows.update({k[1]: v[0] for k, v in self._loaded.items() if k[0] == kind})
        return list(rows.values())

    # -- commit --------------------------------------------------------------------------
    async def commit(self) -> list[DomainEvent]:
        async with self.store.lock:
            changed = self._check_versions()
            self._check_constraints()
            events: list[DomainEvent] = []
            for (kind, entity_id), entity in [*self._new.items(), *changed]:
                events.extend(entity.events)
                entity.events = []
                entity.version += 1
                self.store.table(kind)[entity_id] = _private_copy(entity)
            self.store.audit.extend([*self.staged_audit, *audit_entries_for(events)])
            self.store.inbox.update(self.staged_inbox)
            self.store.published.extend(events)
        self._new.clear()
        self._loaded.clear()
        self.staged_audit.clear()
        self.staged_inbox.clear()
        return events

    def _check_versions(self) -> list[tuple[tuple[str, str], Any]]:
        changed = []
        for (kind, entity_id), (entity, version) in self._loaded.items():
            stored = self.store.table(kind)[entity_id]
            if _state(entity) == _state(stored) and not entity.events:
                continue
            if stored.version != version:  # type: ignore[attr-defined]
                raise ConcurrentUpdate(f"{kind[:-1]} {entity_id} changed concurrently")
            changed.append(((kind, entity_id), entity))
        return changed

    def _check_constraints(self) -> None:
        for kind, entity_id in self._new:
            if entity_id in self.store.table(kind):
                raise ConcurrentUpdate(f"{kind[:-1]} {entity_id} already exists")
        for item in self.staged_inbox.values():
            for other in self.store.inbox.values():
                if other.dedupe_key == item.dedupe_key and other.id != item.id:
                    raise ConcurrentUpdate("callback already recorded")
        self._check_payments([e for (k, _), e in self._new.items() if k == "payments"]
                             + [e for (k, _), (e, _v) in self._loaded.items() if k == "payments"])
        self._check_one_per(
            "enrollments", lambda e: e.status in HOLDING,
            lambda e: (e.student_id, e.course_id), "an enrollment for this course exists")
        self._check_one_per("payments", lambda p: p.status in OPEN, lambda p: p.enrollment_id,
                            "the enrollment already has an open payment")
        self._check_one_per("payments", lambda p: p.open_slot is not None,
                            lambda p: (p.student_id, p.open_slot), "checkout slot taken")

    def _check_one_per(self, kind: str, counts: Any, key: Any, why: str) -> None:
        """The partial unique indexes of the SQL schema, judged on the state this commit
        would leave: committed rows overlaid with this unit of work's rows."""
        final = dict(self.store.table(kind))
        final.update({i: e for (k, i), e in self._new.items() if k == kind})
        final.update({i: e for (k, i), (e, _v) in self._loaded.items() if k == kind})
        mine = {i for (k, i) in [*self._new, *self._loaded] if k == kind}
        taken: dict[Any, str] = {}
        for entity_id, entity in final.items():
            if not counts(entity):
                continue
            other = taken.setdefault(key(entity), entity_id)
            if other != entity_id and (entity_id in mine or other in mine):
                raise ConcurrentUpdate(why)

    def _check_payments(self, touched: list[Payment]) -> None:
        for payment in touched:
            ceiling = min(payment.amount.amount_minor, payment.captured_minor)
            if payment.refunded_minor + payment.reserved_minor > ceiling:
                raise ConcurrentUpdate("refunds would exceed the captured amount")
            for other in self.store.payments.values():
                if other.id == payment.id:
                    continue
                if payment.paylink_id and other.paylink_id == payment.paylink_id:
                    raise ConcurrentUpdate("paylink already belongs to another payment")
                if (payment.idempotency_key and other.student_id == payment.student_id
                        and other.idempotency_key == payment.idempotency_key):
                    raise ConcurrentUpdate("idempotency key already used")


class MemoryUnitOfWorkFactory:
    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def __call__(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.store)
