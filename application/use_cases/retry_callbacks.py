"""Finish callbacks whose processing failed (or never ran: a crash after the inbox
commit). Every callback answered 200 is in the inbox, so none is lost."""

from __future__ import annotations

from datetime import timedelta

from application.ports import Clock, UnitOfWork
from application.transaction import Transactions
from application.use_cases.handle_callback import HandleCallback
from domain.gateway_report import GatewayStatus

MAX_ATTEMPTS = 25
GRACE = timedelta(seconds=5)  # leave fresh callbacks to the request that received them


class RetryCallbacks:
    def __init__(self, tx: Transactions, handle: HandleCallback, clock: Clock) -> None:
        self._tx, self._handle, self._clock = tx, handle, clock

    async def __call__(self, limit: int = 50, grace: timedelta = GRACE) -> int:
        """Process up to `limit` waiting callbacks; return how many were finished."""
        async def waiting(uow: UnitOfWork) -> list[tuple[str, str | None]]:
            items = await uow.webhook_inbox.pending(limit)
            cutoff = self._clock.now() - grace
            return [(i.id, i.paylink_id) for i in items
                    if i.attempts < MAX_ATTEMPTS and i.received_at <= cutoff]

        finished = 0
        for inbox_id, paylink_id in await self._tx.run(waiting):
            if paylink_id is None:
                continue
            outcome = await self._handle.process(inbox_id, paylink_id, GatewayStatus.PENDING)
            finished += outcome != "retry_later"
        return finished
