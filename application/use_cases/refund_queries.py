"""Read a refund (owner or admin) and confirm a refund made in the gateway's dashboard."""

from __future__ import annotations

from application.actor import Actor, Role
from application.errors import InvalidInput
from application.ports import Clock, UnitOfWork
from application.transaction import Transactions
from application.use_cases.refund_settlement import load_refund_and_payment, settle_refund
from domain.refund import Refund

MAX_REFERENCE = 128


class GetRefund:
    def __init__(self, tx: Transactions) -> None:
        self._tx = tx

    async def __call__(self, actor: Actor, refund_id: str) -> Refund:
        async def work(uow: UnitOfWork) -> Refund:
            refund, _ = await load_refund_and_payment(uow, refund_id)
            actor.require_owner(refund.student_id, "refund")
            return refund

        return await self._tx.run(work)


class ConfirmRefund:
    """Only a confirmed manual refund counts: until then its amount is merely reserved."""

    def __init__(self, tx: Transactions, clock: Clock) -> None:
        self._tx, self._clock = tx, clock

    async def __call__(self, actor: Actor, refund_id: str, gateway_reference: str) -> Refund:
        actor.require(Role.ADMIN)
        reference = gateway_reference.strip()
        if not reference or len(reference) > MAX_REFERENCE:
            raise InvalidInput(f"gateway_reference must be 1-{MAX_REFERENCE} characters",
                               "gateway_reference_required")

        async def work(uow: UnitOfWork) -> Refund:
            refund, payment = await load_refund_and_payment(uow, refund_id)
            await settle_refund(uow, refund, payment, gateway_reference=reference,
                                at=self._clock.now(), actor=actor.label)
            return refund

        return await self._tx.run(work)
