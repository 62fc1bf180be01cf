"""Ask the gateway now and apply its answer, with the same rules as a callback.

Concurrent status calls for one payment share one gateway call (`SingleFlight`), whoever
asks: the student's button, a reload of the return page, an admin's re-verify, a
callback's confirmation, the checker's fast lane. What the answer changes is applied by
ApplyGatewayReport, the only writer of gateway answers.
"""

from __future__ import annotations

from application.actor import Actor, Role
from application.errors import NotFound
from application.ports import PaymentGateway, UnitOfWork
from application.single_flight import SingleFlight
from application.transaction import Transactions
from application.use_cases.apply_gateway_report import ApplyGatewayReport
from domain.gateway_report import GatewayReport
from domain.payment import Payment


class VerifyPayment:
    def __init__(self, tx: Transactions, gateway: PaymentGateway,
                 apply_report: ApplyGatewayReport) -> None:
        self._tx, self._gateway, self._apply = tx, gateway, apply_report
        self._status_calls: SingleFlight[GatewayReport | None] = SingleFlight()

    async def __call__(self, actor: Actor, payment_id: str) -> Payment:
        actor.require(Role.STUDENT, Role.ADMIN)
        payment = await self._tx.run(lambda uow: self._load(uow, actor, payment_id))
        return await self.check_now(payment, actor.label)

    async def check_now(self, payment: Payment, actor: str) -> Payment:
        """Ask the gateway about a payment we already hold and apply the answer."""
        if payment.paylink_id is None:
            return payment
        report = await self.gateway_status(payment.paylink_id)
        if report is None:
            return payment
        return await self._apply(payment.id, report, actor)

    async def gateway_status(self, paylink_id: str) -> GatewayReport | None:
        """The gateway's current answer; callers asking at the same time share it."""
        return await self._status_calls.run(
            paylink_id, lambda: self._gateway.get_status(paylink_id))

    @staticmethod
    async def _load(uow: UnitOfWork, actor: Actor, payment_id: str) -> Payment:
        payment = await uow.payments.get(payment_id)
        if payment is None:
            raise NotFound("payment")
        actor.require_owner(payment.student_id, "payment")
        return payment
