"""One payment, its refunds and the callbacks received about it, read together for the
operator page (admin only)."""

from __future__ import annotations

from dataclasses import dataclass, field

from application.actor import Actor, Role
from application.errors import NotFound
from application.ports import InboxItem, UnitOfWork
from application.transaction import Transactions
from domain.payment import Payment
from domain.refund import Refund

MAX_CALLBACKS = 50  # a paylink gets a handful; a flood of redeliveries is cut here


@dataclass(frozen=True, slots=True)
class PaymentDetail:
    payment: Payment
    refunds: list[Refund]
    callbacks: list[InboxItem] = field(default_factory=list)


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
            callbacks = (await uow.webhook_inbox.for_paylink(payment.paylink_id, MAX_CALLBACKS)
                         if payment.paylink_id else [])
            return PaymentDetail(payment, sorted(refunds, key=lambda r: r.created_at),
                                 callbacks)

        return await self._tx.run(work)
