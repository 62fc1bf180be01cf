"""Finish callbacks whose processing failed (or never ran: a crash after the inbox
commit). Every callback answered 200 is in the inbox, so none is lost.

Retries back off exponentially from the callback's arrival (5 s, 10 s, 20 s ... at most
15 minutes apart); an attempt that an open circuit breaker refused without calling the
gateway does not count. After `MAX_ATTEMPTS` the callback is given up (`gave_up`) and
its payment goes on the checker's fast lane, so the student is not left waiting.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from application.ports import Clock, InboxItem, UnitOfWork
from application.transaction import Transactions
from application.use_cases.handle_callback import HandleCallback
from domain.gateway_report import GatewayStatus

MAX_ATTEMPTS = 25
GRACE = timedelta(seconds=5)  # leave fresh callbacks to the request that received them
BACKOFF_BASE = timedelta(seconds=5)
BACKOFF_CAP = timedelta(minutes=15)


def due_at(item: InboxItem, grace: timedelta = GRACE) -> datetime:
    """When the next attempt may run: each failed attempt doubles the wait (capped)."""
    waited = sum((min(BACKOFF_BASE * 2 ** i, BACKOFF_CAP) for i in range(item.attempts)),
                 timedelta())
    return item.received_at + grace + waited


class RetryCallbacks:
    def __init__(self, tx: Transactions, handle: HandleCallback, clock: Clock) -> None:
        self._tx, self._handle, self._clock = tx, handle, clock

    async def __call__(self, limit: int = 50, grace: timedelta = GRACE) -> int:
        """Process up to `limit` waiting callbacks; return how many were finished."""
        async def waiting(uow: UnitOfWork) -> list[InboxItem]:
            return await uow.webhook_inbox.pending(limit)

        finished, now = 0, self._clock.now()
        for item in await self._tx.run(waiting):
            if item.paylink_id is None:
                continue
            if item.attempts >= MAX_ATTEMPTS:
                await self._handle.give_up(item.id, item.paylink_id)
                continue
            if due_at(item, grace) > now:
                continue
            outcome = await self._handle.process(item.id, item.paylink_id,
                                                 GatewayStatus.PENDING)
            finished += outcome != "retry_later"
        return finished
