"""Ask the gateway now and apply its answer, with the same rules as a callback."""

from __future__ import annotations

from application.actor import Actor, Role
from application.errors import NotFound
from application.ports import PaymentGateway, UnitOfWork
from application.transaction import Transactions
from application.use_cases.apply_gateway_report import GatewayReportApplier
from domain.gateway_report import GatewayReport
from domain.payment import Payment


class VerifyPayment:
    def __init__(self, tx: Transactions, gateway: PaymentGateway,
                 applier: GatewayReportApplier) -> None:
        self._tx, self._gateway, self._applier = tx, gateway, applier

    async def __call__(self, actor: Actor, payment_id: str) -> Payment:
        actor.require(Role.STUDENT, Role.ADMIN)
        payment = await self._tx.run(lambda uow: self._load(uow, actor, payment_id))
        if payment.paylink_id is None:
            return payment
        report = await self._gateway.get_status(payment.paylink_id)
        if report is None:
            return payment
        return await self.apply(payment_id, report, actor.label)

    async def apply(self, payment_id: str, report: GatewayReport, actor: str) -> Payment:
        """Apply a confirmed report to a payment, in one transaction."""
        async def work(uow: UnitOfWork) -> Payment:
            payment = await uow.payments.get(payment_id)
            if payment is None:
                raise NotFound("payment")
            await self._applier.apply(uow, payment, report, actor)
            return payment

        return await self._tx.run(work)

    @staticmethod
    async def _load(uow: UnitOfWork, actor: Actor, payment_id: str) -> Payment:
        payment = await uow.payments.get(payment_id)
        if payment is None:
            raise NotFound("payment")
        actor.require_owner(payment.student_id, "payment")
        return payment
