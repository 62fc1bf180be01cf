"""Repositories over a unit of work's MemoryView: its own changes first, then committed
rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from adapters.memory.store import MemoryStore
from adapters.memory.view import MemoryView
from application.ports import AuditEntry, InboxItem, Page, PageRequest, PaymentFilter
from domain.enrollment import HOLDING, Enrollment
from domain.payment import OPEN, Payment
from domain.refund import Refund, RefundStatus


class MemoryPayments:
    def __init__(self, view: MemoryView) -> None:
        self._view = view

    async def add(self, payment: Payment) -> None:
        self._view.stage_new("payments", payment)

    async def get(self, payment_id: str) -> Payment | None:
        return self._view.load("payments", payment_id)  # type: ignore[return-value]

    async def _find(self, match: object) -> list[Payment]:
        ids = [p.id for p in self._view.all_rows("payments") if match(p)]  # type: ignore[operator, attr-defined]
        return [p for p in (self._view.load("payments", i) for i in ids) if p is not None]

    async def get_by_paylink(self, paylink_id: str) -> Payment | None:
        found = await self._find(lambda p: p.paylink_id == paylink_id)
        return found[0] if found else None

    async def get_by_idempotency_key(self, student_id: str, key: str) -> Payment | None:
        found = await self._find(lambda p: p.student_id == student_id and p.idempotency_key == key)
        return found[0] if found else None

    async def for_enrollment(self, enrollment_id: str) -> list[Payment]:
        found = await self._find(lambda p: p.enrollment_id == enrollment_id)
        return sorted(found, key=lambda p: (p.created_at, p.id))

    async def due_for_recheck(self, now: datetime, limit: int) -> list[Payment]:
        found = await self._find(lambda p: p.status in OPEN and p.recheck_at is not None
                                 and p.recheck_at <= now)
        return sorted(found, key=lambda p: (p.recheck_at, p.id))[:limit]

    async def open_created_before(self, cutoff: datetime, limit: int,
                                  after: tuple[datetime, str] | None = None) -> list[Payment]:
        found = await self._find(lambda p: p.status in OPEN and p.created_at <= cutoff
                                 and (after is None or (p.created_at, p.id) > after))
        return sorted(found, key=lambda p: (p.created_at, p.id))[:limit]

    async def list(self, where: PaymentFilter, page: PageRequest) -> Page:
        def keep(p: Payment) -> bool:
            return where.admits(p, page.after)

        rows: list[Payment] = [p for p in self._view.all_rows("payments") if keep(p)]  # type: ignore[misc]
        rows.sort(key=lambda p: (p.created_at, p.id), reverse=True)
        chosen = [p for p in (self._view.load("payments", r.id) for r in rows[:page.limit]) if p]
        return Page(items=chosen, has_more=len(rows) > page.limit)

    async def created_between(self, start: datetime, end: datetime, *,
                              after: tuple[datetime, str] | None, limit: int) -> list[Payment]:
        rows = sorted((p for p in self._view.all_rows("payments")
                       if start <= p.created_at < end
                       and (after is None or (p.created_at, p.id) > after)),
                      key=lambda p: (p.created_at, p.id))
        return [p for p in (self._view.load("payments", r.id) for r in rows[:limit]) if p]


class MemoryEnrollments:
    def __init__(self, view: MemoryView) -> None:
        self._view = view

    async def add(self, enrollment: Enrollment) -> None:
        self._view.stage_new("enrollments", enrollment)

    async def get(self, enrollment_id: str) -> Enrollment | None:
        return self._view.load("enrollments", enrollment_id)  # type: ignore[return-value]

    async def holding(self, student_id: str, course_id: str) -> Enrollment | None:
        ids = [e.id for e in self._view.all_rows("enrollments")  # type: ignore[attr-defined]
               if e.student_id == student_id and e.course_id == course_id]
        found = [e for e in (self._view.load("enrollments", i) for i in ids)
                 if e is not None and e.status in HOLDING]  # type: ignore[attr-defined]
        return found[0] if found else None  # type: ignore[return-value]


class MemoryRefunds:
    def __init__(self, view: MemoryView) -> None:
        self._view = view

    async def add(self, refund: Refund) -> None:
        self._view.stage_new("refunds", refund)

    async def get(self, refund_id: str) -> Refund | None:
        return self._view.load("refunds", refund_id)  # type: ignore[return-value]

    async def for_payment(self, payment_id: str) -> list[Refund]:
        ids = [r.id for r in self._view.all_rows("refunds") if r.payment_id == payment_id]  # type: ignore[attr-defined]
        return [r for r in (self._view.load("refunds", i) for i in ids) if r is not None]

    async def pending_before(self, cutoff: datetime, limit: int) -> list[Refund]:
        rows = sorted((r for r in self._view.all_rows("refunds")
                       if r.status is RefundStatus.PENDING and r.updated_at <= cutoff),  # type: ignore[attr-defined]
                      key=lambda r: (r.updated_at, r.id))[:limit]  # type: ignore[attr-defined]
        return [r for r in (self._view.load("refunds", x.id) for x in rows) if r is not None]


class MemoryAudit:
    def __init__(self, view: MemoryView) -> None:
        self._view = view

    async def append(self, entry: AuditEntry) -> None:
        self._view.staged_audit.append(entry)

    async def for_entities(self, entity_ids: Sequence[str]) -> list[AuditEntry]:
        wanted = set(entity_ids)
        return [e for e in self._view.store.audit if e.entity_id in wanted]


class MemoryInbox:
    def __init__(self, view: MemoryView) -> None:
        self._view = view

    async def record(self, item: InboxItem) -> bool:
        if await self.by_dedupe_key(item.dedupe_key) is not None:
            return False
        self._view.staged_inbox[item.id] = item
        return True

    async def get(self, item_id: str) -> InboxItem | None:
        return self._view.staged_inbox.get(item_id) or self._view.store.inbox.get(item_id)

    async def by_dedupe_key(self, dedupe_key: str) -> InboxItem | None:
        for item in [*self._view.staged_inbox.values(), *self._view.store.inbox.values()]:
            if item.dedupe_key == dedupe_key:
                return item
        return None

    async def mark(self, item_id: str, status: str, error: str | None = None,
                   next_attempt_at: datetime | None = None) -> None:
        item = await self.get(item_id)
        if item is not None:
            attempts = item.attempts + (1 if status == "failed" else 0)
            self._view.staged_inbox[item_id] = replace(
                item, status=status, last_error=error, attempts=attempts,
                next_attempt_at=next_attempt_at or item.next_attempt_at)

    async def for_paylink(self, paylink_id: str, limit: int) -> list[InboxItem]:
        found = [i for i in self._view.store.inbox.values() if i.paylink_id == paylink_id]
        return sorted(found, key=lambda i: (i.received_at, i.id))[:limit]

    async def lease(self, now: datetime, fresh_until: datetime, until: datetime,
                    limit: int) -> list[InboxItem]:
        def due(item: InboxItem) -> bool:
            if item.next_attempt_at is not None:
                return item.next_attempt_at <= now
            return item.received_at <= fresh_until

        waiting = sorted((i for i in self._view.store.inbox.values()
                          if i.status in ("received", "failed") and due(i)),
                         key=lambda i: (i.received_at, i.id))[:limit]
        leased = [replace(i, next_attempt_at=until) for i in waiting]
        self._view.staged_inbox.update((i.id, i) for i in leased)
        return leased

    async def pending(self, limit: int) -> list[InboxItem]:
        items = [i for i in self._view.store.inbox.values() if i.status in ("received", "failed")]
        return sorted(items, key=lambda i: i.received_at)[:limit]


class MemoryCallbackIntake:
    """One step, nothing awaited between the dedupe check and the insert: atomic in
    the event loop, like the SQL adapter's single statement."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def accept(self, item: InboxItem) -> bool:
        if any(i.dedupe_key == item.dedupe_key for i in self._store.inbox.values()):
            return False
        self._store.inbox[item.id] = item
        return True

