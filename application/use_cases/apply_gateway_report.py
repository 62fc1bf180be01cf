"""The one path by which a gateway's answer changes a payment (callback, verify, checker).

Runs inside the caller's unit of work so the payment, the enrollment and their audit
entries change together or not at all. A payment that ends declined counts towards the
repeated-declines risk rule in the same transaction (application/risk.py).
"""

from __future__ import annotations

from application.errors import NotFound
from application.ports import Clock, UnitOfWork
from application.risk import RiskGuard
from domain.enrollment import ActivationRefused
from domain.gateway_report import GatewayReport
from domain.payment import ApplyOutcome, Payment, PaymentStatus


class GatewayReportApplier:
    def __init__(self, clock: Clock, risk: RiskGuard | None = None) -> None:
        self._clock = clock
        self._risk = risk

    @property
    def clock(self) -> Clock:
        return self._clock

    async def apply(self, uow: UnitOfWork, payment: Payment, report: GatewayReport,
                    actor: str) -> ApplyOutcome:
        now = self._clock.now()
        outcome = payment.apply_gateway_report(report, at=now, actor=actor)
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
