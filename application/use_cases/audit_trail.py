"""The audit trail of one payment and everything under it (admin only)."""

from __future__ import annotations

from application.actor import Actor, Role
from application.errors import NotFound
from application.ports import AuditEntry, UnitOfWork
from application.transaction import Transactions


class GetAuditTrail:
    def __init__(self, tx: Transactions) -> None:
        self._tx = tx

    async def __call__(self, actor: Actor, payment_id: str) -> list[AuditEntry]:
        actor.require(Role.ADMIN)

        async def work(uow: UnitOfWork) -> list[AuditEntry]:
            payment = await uow.payments.get(payment_id)
            if payment is None:
                raise NotFound("payment")
            refunds = await uow.refunds.for_payment(payment_id)
            ids = [payment.id, payment.enrollment_id, *(r.id for r in refunds)]
            entries = await uow.audit.for_entities(ids)
            return sorted(entries, key=lambda e: e.at)

        return await self._tx.run(work)
