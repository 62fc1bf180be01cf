"""A student may hold only a few open paylinks at once (created or pending, unexpired).

Caps what one account (or one stolen token) can make us open at iKhokha; the next
checkout is refused with `too_many_open_checkouts` until one is paid or expires.
"""

from __future__ import annotations

from datetime import datetime

from application.ports import PageRequest, PaymentFilter, UnitOfWork
from domain.classification import ClassifiedFailure
from domain.payment import PaymentStatus

DEFAULT_MAX_OPEN_CHECKOUTS = 5
_SCAN = 100


async def open_checkouts(uow: UnitOfWork, student_id: str, now: datetime) -> int:
    count = 0
    for status in (PaymentStatus.CREATED, PaymentStatus.PENDING):
        page = await uow.payments.list(PaymentFilter(student_id=student_id, status=status),
                                       PageRequest(limit=_SCAN))
        count += sum(1 for p in page.items if p.expires_at is None or p.expires_at > now)
    return count


async def refuse_too_many_open(uow: UnitOfWork, student_id: str, now: datetime,
                               limit: int) -> None:
    """Raise when opening one more checkout would pass `limit` (0 switches the cap off)."""
    if limit and await open_checkouts(uow, student_id, now) >= limit:
        raise ClassifiedFailure("too_many_open_checkouts",
                                f"at most {limit} checkouts may be open at once")
