"""Port: refunds, as one unit of work sees them."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.refund import Refund


class RefundRepository(Protocol):
    """The refunds of one `UnitOfWork` (reached as `uow.refunds`).

    Contract: as for payments — entities owned by the unit of work, changes written and
    version-checked by `commit`, `add` only staged. Refunds (with their reservations)
    never exceed the payment's captured amount: a commit that would fails with
    `ConcurrentUpdate`.
    """

    async def add(self, refund: Refund) -> None: ...
    async def get(self, refund_id: str) -> Refund | None: ...
    async def for_payment(self, payment_id: str) -> list[Refund]: ...
    async def pending_before(self, cutoff: datetime, limit: int) -> list[Refund]:
        """Refunds still `pending` whose last change is at or before `cutoff`, oldest
        first: requests cut off between their two transactions (a crash)."""
        ...
