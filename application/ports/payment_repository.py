"""Port: payments, as one unit of work sees them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from application.ports.paging import Page, PageRequest, PaymentFilter
from domain.payment import Payment


class PaymentRepository(Protocol):
    """The payments of one `UnitOfWork` (reached as `uow.payments`).

    Contract: reads return entities owned by the unit of work — one object per payment
    per unit of work, seeing what this unit added or changed — and a change made to such
    an entity is written by `commit`, checked against the version it was read at (a lost
    race raises `ConcurrentUpdate` there, never here). `add` only stages: a payment
    whose id, paylink or open checkout slot is taken fails at commit with
    `ConcurrentUpdate`. Nothing is durable before commit. Orders are as documented per
    method, with the id breaking ties, so pages never skip or repeat a payment.
    """

    async def add(self, payment: Payment) -> None: ...
    async def get(self, payment_id: str) -> Payment | None: ...
    async def get_by_paylink(self, paylink_id: str) -> Payment | None: ...
    async def get_by_idempotency_key(self, student_id: str, key: str) -> Payment | None: ...
    async def for_enrollment(self, enrollment_id: str) -> list[Payment]:
        """Every payment of one enrollment, oldest first."""
        ...

    async def due_for_recheck(self, now: datetime, limit: int) -> list[Payment]:
        """Open payments whose fast re-check (`recheck_at`) is due, soonest first."""
        ...

    async def open_created_before(self, cutoff: datetime, limit: int,
                                  after: tuple[datetime, str] | None = None) -> list[Payment]:
        """Created or pending payments created at or before `cutoff`, oldest first;
        with `after`, only those after that (created_at, id) — the next page."""
        ...

    async def list(self, where: PaymentFilter, page: PageRequest) -> Page:
        """Newest first, keyset-paginated on (created_at, id)."""
        ...

    async def created_between(self, start: datetime, end: datetime, *,
                              after: tuple[datetime, str] | None,
                              limit: int) -> Sequence[Payment]:
        """Up to `limit` payments with start <= created_at < end, oldest first on
        (created_at, id), after the keyset `after`: a period read in bounded batches."""
        ...
