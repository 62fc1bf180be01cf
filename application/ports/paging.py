"""How payments are filtered and paged (shared by `PaymentRepository` and its callers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.payment import Payment, PaymentStatus


@dataclass(frozen=True, slots=True)
class PaymentFilter:
    student_id: str | None = None
    status: PaymentStatus | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None

    def admits(self, p: Payment, after: tuple[datetime, str] | None = None) -> bool:
        """The one reading of the filter (and of a newest-first keyset cursor) that every
        storage adapter applies to entities it holds in memory."""
        return ((self.student_id is None or p.student_id == self.student_id)
                and (self.status is None or p.status is self.status)
                and (self.created_from is None or p.created_at >= self.created_from)
                and (self.created_to is None or p.created_at <= self.created_to)
                and (after is None or (p.created_at, p.id) < after))


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = 20
    after: tuple[datetime, str] | None = None  # keyset: (created_at, id) of the last item


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Payment]
    has_more: bool
