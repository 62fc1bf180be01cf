"""The inbox sweep: finish callbacks whose processing failed, or never ran (the receiving
instance was busy, or died after the acknowledgement). Every callback answered 200 is in
the inbox, so none is lost.

Each sweep leases the items that are due, a few at a time, and processes those
concurrently, so one lease (as long as one processing may take) covers them all.
Several workers share the inbox and each item is handed to one of them (PostgreSQL skips
rows another worker is leasing). A lease that outlives its worker simply ends and the
item is taken again.

Retries back off exponentially (5 s, 10 s, 20 s ... at most 15 minutes apart); an
attempt that an open circuit breaker refused without calling the gateway does not count.
After `MAX_ATTEMPTS` the callback is given up (`gave_up`) and its payment goes on the
checker's fast lane, so the student is not left waiting.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from application.ports import Clock, InboxItem, UnitOfWork
from application.transaction import Transactions
from application.use_cases.handle_callback import HandleCallback
from domain.gateway_report import GatewayStatus

MAX_ATTEMPTS = 25
GRACE = timedelta(seconds=5)  # for items stored without a due time
CHUNK = 8  # items leased and processed together


def due_at(item: InboxItem, grace: timedelta = GRACE) -> datetime:
    """When the item may next be taken by a sweep."""
    return item.next_attempt_at or item.received_at + grace


class RetryCallbacks:
    def __init__(self, tx: Transactions, handle: HandleCallback, clock: Clock) -> None:
        self._tx, self._handle, self._clock = tx, handle, clock

    async def __call__(self, limit: int = 50, grace: timedelta = GRACE) -> int:
        """Lease and process up to `limit` due callbacks; return how many were finished."""
        finished = taken = 0
        while taken < limit:
            items = await self._lease(min(CHUNK, limit - taken), grace)
            taken += len(items)
            finished += sum(await asyncio.gather(*(self._one(item) for item in items)))
            if len(items) < CHUNK:
                break
        return finished

    async def _lease(self, count: int, grace: timedelta) -> list[InboxItem]:
        now = self._clock.now()

        async def take(uow: UnitOfWork) -> list[InboxItem]:
            return await uow.webhook_inbox.lease(now, now - grace, now + self._handle.lease,
                                                 count)

        return await self._tx.run(take)

    async def _one(self, item: InboxItem) -> int:
        if item.paylink_id is None:
            return 0
        if item.attempts >= MAX_ATTEMPTS:
            await self._handle.give_up(item.id, item.paylink_id)
            return 0
        outcome = await self._handle.process(item.id, item.paylink_id, GatewayStatus.PENDING)
        return int(outcome != "retry_later")
