"""Ask the gateway now and apply its answer, with the same rules as a callback.

Concurrent verifies of one payment share one gateway call (`SingleFlight`), whoever
asks: the student's button, a reload of the return page, an admin's re-verify.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from application.actor import Actor, Role
from application.errors import NotFound
from application.ports import PaymentGateway, UnitOfWork
from application.single_flight import SingleFlight
from application.transaction import Transactions
from application.use_cases.apply_gateway_report import GatewayReportApplier
from domain.gateway_report import GatewayReport
from domain.payment import Payment


class VerifyPayment:
    def __init__(self, tx: Transactions, gateway: PaymentGateway,
                 applier: GatewayReportApplier) -> None:
        self._tx, self._gateway, self._applier = tx, gateway, applier
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
        return await self.apply(payment.id, report, actor)

    async def gateway_status(self, paylink_id: str) -> GatewayReport | None:
        """The gateway's current answer; callers asking at the same time share it."""
        return await self._status_calls.run(
            paylink_id, lambda: self._gateway.get_status(paylink_id))

    async def apply(self, payment_id: str, report: GatewayReport, actor: str) -> Payment:
        """Apply a confirmed report to a payment, in one transaction."""
        async def work(uow: UnitOfWork) -> Payment:
            payment = await uow.payments.get(payment_id)
            if payment is None:
                raise NotFound("payment")
            await self._applier.apply(uow, payment, report, actor)
            return payment

        return await self._tx.run(work)

    async def apply_then(self, payment_id: str, report: GatewayReport | None, actor: str, *,
                         recheck: bool, then: Callable[[UnitOfWork], Awaitable[None]]) -> None:
        """Apply `report` (if any), put the payment on the fast lane when `recheck`, and
        run `then` (e.g. mark the callback done), all in one transaction: a callback's
        effect and its bookkeeping commit together or not at all."""
        async def work(uow: UnitOfWork) -> None:
            payment = await uow.payments.get(payment_id)
            if payment is not None:
                if report is not None:
                    await self._applier.apply(uow, payment, report, actor)
                if recheck and payment.is_open and not payment.is_held:
                    payment.recheck_soon(at=self._applier.clock.now())
            await then(uow)

        await self._tx.run(work)

    async def recheck_soon(self, payment_id: str, *, restart: bool = False) -> None:
        """The gateway has not caught up with a final callback yet (lag, not fraud): put
        the payment on the checker's fast lane instead of holding it for review."""
        async def work(uow: UnitOfWork) -> None:
            payment = await uow.payments.get(payment_id)
            if payment is not None and payment.is_open and not payment.is_held:
                payment.recheck_soon(at=self._applier.clock.now(), restart=restart)

        await self._tx.run(work)

    @staticmethod
    async def _load(uow: UnitOfWork, actor: Actor, payment_id: str) -> Payment:
        payment = await uow.payments.get(payment_id)
        if payment is None:
            raise NotFound("payment")
        actor.require_owner(payment.student_id, "payment")
        return payment
