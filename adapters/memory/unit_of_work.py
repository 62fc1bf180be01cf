"""A unit of work over MemoryStore with the guarantees the SQL one gives.

Reads hand out private copies (an identity map per transaction); commit checks each
touched row's version (optimistic concurrency), enforces the same uniqueness and money
constraints as the database schema, writes audit entries for the recorded events, and
applies everything at once under the store lock — or nothing.
"""

from __future__ import annotations

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
from adapters.memory.view import MemoryView, private_copy
from application.audit import audit_entries_for
from application.errors import ConcurrentUpdate
from domain.enrollment import HOLDING
from domain.events import DomainEvent
from domain.payment import OPEN, Payment

_KINDS = ("payments", "enrollments", "refunds")


def _state(entity: Any) -> tuple[Any, ...]:
    return tuple(getattr(entity, f.name) for f in fields(entity) if f.name not in
                 ("events", "version"))


class MemoryUnitOfWork:
    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.view = MemoryView(store)
        self.payments = MemoryPayments(self.view)
        self.enrollments = MemoryEnrollments(self.view)
        self.refunds = MemoryRefunds(self.view)
        self.audit = MemoryAudit(self.view)
        self.webhook_inbox = MemoryInbox(self.view)

    async def __aenter__(self) -> MemoryUnitOfWork:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.view.clear()

    # -- commit --------------------------------------------------------------------------
    async def commit(self) -> list[DomainEvent]:
        async with self.store.lock:
            changed = self._check_versions()
            self._check_constraints()
            events: list[DomainEvent] = []
            for (kind, entity_id), entity in [*self.view.new.items(), *changed]:
                events.extend(entity.events)
                entity.events = []
                entity.version += 1
                self.store.table(kind)[entity_id] = private_copy(entity)
            self.store.audit.extend([*self.view.staged_audit, *audit_entries_for(events)])
            self.store.inbox.update(self.view.staged_inbox)
            self.store.published.extend(events)
        self.view.clear()
        return events

    def _check_versions(self) -> list[tuple[tuple[str, str], Any]]:
        changed = []
        for (kind, entity_id), (entity, version) in self.view.loaded.items():
            stored = self.store.table(kind)[entity_id]
            if _state(entity) == _state(stored) and not entity.events:
                continue
            if stored.version != version:  # type: ignore[attr-defined]
                raise ConcurrentUpdate(f"{kind[:-1]} {entity_id} changed concurrently")
            changed.append(((kind, entity_id), entity))
        return changed

    def _check_constraints(self) -> None:
        for kind, entity_id in self.view.new:
            if entity_id in self.store.table(kind):
                raise ConcurrentUpdate(f"{kind[:-1]} {entity_id} already exists")
        for item in self.view.staged_inbox.values():
            for other in self.store.inbox.values():
                if other.dedupe_key == item.dedupe_key and other.id != item.id:
                    raise ConcurrentUpdate("callback already recorded")
        view = self.view
        self._check_payments([e for (k, _), e in view.new.items() if k == "payments"]
                             + [e for (k, _), (e, _v) in view.loaded.items() if k == "payments"])
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
        final.update({i: e for (k, i), e in self.view.new.items() if k == kind})
        final.update({i: e for (k, i), (e, _v) in self.view.loaded.items() if k == kind})
        mine = {i for (k, i) in [*self.view.new, *self.view.loaded] if k == kind}
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
