"""One payment and its refunds, read together for the operator page (admin only)."""

from __future__ import annotations

from dataclasses import dataclass

from application.actor import Actor, Role
from application.errors import NotFound
from application.ports import UnitOfWork
from application.transaction import Transactions
from domain.payment import Payment
from domain.refund import Refund


@dataclass(frozen=True, slots=True)
class PaymentDetail:
    payment: Payment
    refunds: list[Refund]


class GetPaymentDetail:
    def __init__(self, tx: Transactions) -> None:
        self._tx = tx

    async def __call__(self, actor: Actor, payment_id: str) -> PaymentDetail:
        actor.require(Role.ADMIN)

        async def work(uow: UnitOfWork) -> PaymentDetail:
            payment = await uow.payments.get(payment_id)
            if payment is None:
                raise NotFound("payment")
            refunds = await uow.refunds.for_payment(payment_id)
            return PaymentDetail(payment, sorted(refunds, key=lambda r: r.created_at))

        return await self._tx.run(work)
