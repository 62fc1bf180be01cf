"""Read a refund (owner or admin), confirm a refund made in the gateway's dashboard, or
cancel a manual refund that was never made (its reservation is freed)."""

from __future__ import annotations

from application.actor import Actor, Role
from application.errors import InvalidInput
from application.ports import Clock, UnitOfWork
from application.transaction import Transactions
from application.use_cases.refund_settlement import (
    give_back_reservation,
    load_refund_and_payment,
    settle_refund,
)
from domain.errors import IllegalTransition
from domain.refund import Refund, RefundStatus

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


class CancelRefund:
    """A manual refund that was never made in the dashboard (for example one cut off by a
    crash before the gateway was asked): it fails, and its amount is refundable again."""

    def __init__(self, tx: Transactions, clock: Clock) -> None:
        self._tx, self._clock = tx, clock

    async def __call__(self, actor: Actor, refund_id: str, reason: str) -> Refund:
        actor.require(Role.ADMIN)
        if not reason.strip() or len(reason) > 500:
            raise InvalidInput("reason must be 1-500 characters", "reason_required")

        async def work(uow: UnitOfWork) -> Refund:
            refund, _ = await load_refund_and_payment(uow, refund_id)
            if refund.status is not RefundStatus.MANUAL_ACTION_REQUIRED:
                raise IllegalTransition(f"a {refund.status.value} refund cannot be cancelled")
            return await give_back_reservation(uow, refund_id, f"cancelled: {reason.strip()}",
                                               self._clock.now(), actor.label)

        return await self._tx.run(work)
