"""A student may hold only a few open paylinks at once (created or pending, unexpired).

Caps what one account (or one stolen token) can make us open at iKhokha; the next
checkout is refused with `too_many_open_checkouts` until one is paid or expires.

The cap holds under concurrency because each open payment takes a numbered slot
(1..limit) and the database allows each (student, slot) once (a partial unique index):
two checkouts racing for the last slot cannot both commit, and the loser's re-run sees
the cap reached.
"""

from __future__ import annotations

from datetime import datetime

from application.ports import PageRequest, PaymentFilter, UnitOfWork
from domain.classification import ClassifiedFailure
from domain.payment import Payment, PaymentStatus

DEFAULT_MAX_OPEN_CHECKOUTS = 5
_SCAN = 100


async def _open_payments(uow: UnitOfWork, student_id: str) -> list[Payment]:
    found: list[Payment] = []
    for status in (PaymentStatus.CREATED, PaymentStatus.PENDING):
        page = await uow.payments.list(PaymentFilter(student_id=student_id, status=status),
                                       PageRequest(limit=_SCAN))
        found += page.items
    return found


async def claim_checkout_slot(uow: UnitOfWork, student_id: str, now: datetime,
                              limit: int) -> int | None:
    """The slot the next open checkout takes, or raise when `limit` are open
    (0 switches the cap off: no slot)."""
    if not limit:
        return None
    payments = await _open_payments(uow, student_id)
    unexpired = sum(1 for p in payments if p.expires_at is None or p.expires_at > now)
    taken = {p.open_slot for p in payments}
    free = [slot for slot in range(1, limit + 1) if slot not in taken]
    if unexpired >= limit or not free:
        raise ClassifiedFailure("too_many_open_checkouts",
                                f"at most {limit} checkouts may be open at once")
    return free[0]
