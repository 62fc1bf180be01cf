"""The one way a gateway's answer changes a payment: callbacks, the verify button, the
pending checker, reconciliation and review all come through `ApplyGatewayReport`.

It owns its transaction, so the payment, the enrollment it unlocks and their audit
entries change together or not at all. A payment that ends declined counts towards the
repeated-declines risk rule in the same transaction (application/risk.py). The only
caller that joins its own transaction is ResolveReview (`for_review`): an operator's
resolution and the answer it re-applies must commit together.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from application.errors import NotFound
from application.ports import Clock, UnitOfWork
from application.risk import RiskGuard
from application.transaction import Transactions
from domain.enrollment import ActivationRefused
from domain.errors import IllegalTransition
from domain.gateway_report import GatewayReport
from domain.payment import ApplyOutcome, Payment, PaymentStatus


class ApplyGatewayReport:
    def __init__(self, tx: Transactions, clock: Clock, risk: RiskGuard | None = None) -> None:
        self._tx, self._clock, self._risk = tx, clock, risk

    async def __call__(self, payment_id: str, report: GatewayReport, actor: str) -> Payment:
        """Apply a confirmed report to a payment, in one transaction."""
        async def work(uow: UnitOfWork) -> Payment:
            payment = await uow.payments.get(payment_id)
            if payment is None:
                raise NotFound("payment")
            await self.within(uow, payment, report, actor)
            return payment

        return await self._tx.run(work)

    async def and_then(self, payment_id: str, report: GatewayReport | None, actor: str, *,
                       recheck: bool, then: Callable[[UnitOfWork], Awaitable[None]]) -> None:
        """Apply `report` (if any), put the payment on the fast lane when `recheck`, and
        run `then` (e.g. mark the callback done), all in one transaction: a callback's
        effect and its bookkeeping commit together or not at all."""
        async def work(uow: UnitOfWork) -> None:
            payment = await uow.payments.get(payment_id)
            if payment is not None:
                if report is not None:
                    await self.within(uow, payment, report, actor)
                if recheck and payment.is_open and not payment.is_held:
                    payment.recheck_soon(at=self._clock.now())
            await then(uow)

        await self._tx.run(work)

    async def recheck_soon(self, payment_id: str, *, restart: bool = False) -> None:
        """No usable answer yet (the gateway lags behind its own callback: not fraud):
        put the payment on the checker's fast lane instead of holding it for review."""
        async def work(uow: UnitOfWork) -> None:
            payment = await uow.payments.get(payment_id)
            if payment is not None and payment.is_open and not payment.is_held:
                payment.recheck_soon(at=self._clock.now(), restart=restart)

        await self._tx.run(work)

    async def for_review(self, uow: UnitOfWork, payment: Payment,
                         report: GatewayReport | None, actor: str, reason: str) -> bool:
        """An operator's re-verify of a held payment, inside the operator's transaction:
        clear the hold and apply `report` if it now agrees with our record; False (still
        held, nothing changed) if it does not."""
        before = payment.status
        if report is None or not payment.reverify_held(report, at=self._clock.now(),
                                                       actor=actor, reason=reason):
            return False
        if payment.status is PaymentStatus.SUCCEEDED and before is not PaymentStatus.SUCCEEDED:
            await unlock_or_refuse(uow, payment, actor)  # we had closed it; it was paid
        else:  # cleared: the usual path applies it (and unlocks)
            await self.within(uow, payment, report, actor)
        return True

    async def within(self, uow: UnitOfWork, payment: Payment, report: GatewayReport,
                     actor: str) -> ApplyOutcome:
        """Apply inside a unit of work this class opened (or for_review's)."""
        outcome = payment.apply_gateway_report(report, at=self._clock.now(), actor=actor)
        if outcome is ApplyOutcome.CHANGED and payment.status is PaymentStatus.SUCCEEDED:
            await self._activate(uow, payment, actor)
        if (outcome is ApplyOutcome.CHANGED and self._risk is not None
                and payment.status is PaymentStatus.FAILED):
            await self._risk.payment_ended(uow, payment)
        return outcome

    async def _activate(self, uow: UnitOfWork, payment: Payment, actor: str) -> None:
        enrollment = await uow.enrollments.get(payment.enrollment_id)
        if enrollment is None:  # pragma: no cover - enforced by a foreign key
            raise NotFound("enrollment")
        try:
            enrollment.activate(payment_id=payment.id, at=self._clock.now(), actor=actor)
        except ActivationRefused:
            # Paid, but the course was unlocked by another payment or revoked: the money
            # is captured, so an admin must refund or reinstate. Never silently kept.
            payment.flag_for_review(f"enrollment_{enrollment.status.value}",
                                    at=self._clock.now())


async def unlock_or_refuse(uow: UnitOfWork, payment: Payment, actor: str) -> None:
    """Unlock the course an operator's decision paid for; refused (IllegalTransition)
    when another payment unlocked it or it was revoked: refund this payment instead."""
    enrollment = await uow.enrollments.get(payment.enrollment_id)
    if enrollment is None:  # pragma: no cover - enforced by a foreign key
        raise NotFound("enrollment")
    try:
        enrollment.activate(payment_id=payment.id, at=payment.updated_at, actor=actor)
    except ActivationRefused as refused:
        raise IllegalTransition(
            f"{refused}: refund this payment instead of accepting it") from None
