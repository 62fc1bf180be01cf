"""Refunds cut off between their two transactions (a crash, a kill -9) recover by themselves.

A refund is created `pending` with its amount reserved, then the gateway is asked, then
the answer is recorded. A process killed in between leaves the refund `pending` and its
reservation held, so nothing more could be refunded. Whether the gateway acted is not
knowable from here (iK Pay has no refund API, and a gateway that refunds by API may or
may not have received the call), so after a lease the refund becomes
`manual_action_required`: an operator checks the gateway's dashboard, then confirms it
with the gateway's reference (it counts) or cancels it (its reservation is freed).
Nothing is ever counted as refunded on a guess, and no reservation is left without a
refund that holds it.
"""

from __future__ import annotations

from datetime import timedelta

from application.ports import Clock, UnitOfWork
from application.transaction import Transactions

LEASE = timedelta(minutes=5)  # far longer than one refund request can take
RECOVERY_ACTOR = "system:refund-recovery"


class RecoverInterruptedRefunds:
    def __init__(self, tx: Transactions, clock: Clock, lease: timedelta = LEASE) -> None:
        self._tx, self._clock, self._lease = tx, clock, lease

    async def __call__(self, limit: int = 100) -> int:
        """Move refunds pending past the lease to manual action; return how many."""
        async def work(uow: UnitOfWork) -> int:
            now = self._clock.now()
            stuck = await uow.refunds.pending_before(now - self._lease, limit)
            for refund in stuck:
                refund.require_manual_action(at=now, actor=RECOVERY_ACTOR)
            return len(stuck)

        return await self._tx.run(work)
