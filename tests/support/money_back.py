"""World plus the money-back use-cases: refunds, rollback, gateway mode, reconciliation."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.memory.reconciliation_reports import MemoryReconciliationReports
from adapters.system.gateway_mode import RuntimeGatewayMode
from application.actor import Actor
from application.use_cases.gateway_history import GatewayHistory
from application.use_cases.gateway_mode import GatewayMode
from application.use_cases.reconcile import Reconcile
from application.use_cases.refund_queries import ConfirmRefund, GetRefund
from application.use_cases.request_refund import RequestRefund, RequestRefundCommand
from application.use_cases.revert_enrollment import RevertEnrollment
from domain.enrollment import Enrollment
from domain.gateway_report import GatewayStatus
from domain.payment import Payment
from domain.refund import Refund
from tests.support.world import ADMIN, World


@dataclass
class MoneyBackWorld(World):
    reports: MemoryReconciliationReports = field(default_factory=MemoryReconciliationReports)
    production: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        self.request_refund = RequestRefund(self.tx, self.gateway, self.clock, self.ids,
                                            risk=self.risk_guard if self.risk else None)
        self.confirm_refund = ConfirmRefund(self.tx, self.clock)
        self.get_refund = GetRefund(self.tx)
        self.revert_enrollment = RevertEnrollment(self.tx, self.clock)
        self.mode_switch = RuntimeGatewayMode(test_mode=not self.production)
        self.gateway_mode = GatewayMode(self.mode_switch, self.tx, self.clock, self.production)
        self.gateway_history = GatewayHistory(self.gateway)
        self.reconcile = Reconcile(self.tx, self.gateway, self.apply_report, self.reports,
                                   self.clock, self.ids, batch=3)

    async def paid(self, student_id: str = "stu-1", amount: int = 49900
                   ) -> tuple[Enrollment, Payment]:
        """An enrollment whose payment succeeded and unlocked the course."""
        enrollment = await self.enrollment(student_id=student_id, amount=amount)
        payment = await self.checkout(enrollment)
        self.gateway.settle(payment.paylink_id or "", GatewayStatus.SUCCESS)
        paid = await self.verify_payment(ADMIN, payment.id)
        return enrollment, paid

    async def refund(self, payment_id: str, amount: int | None = None,
                     reason: str = "student asked", key: str | None = None,
                     actor: Actor = ADMIN) -> Refund:
        return await self.request_refund(RequestRefundCommand(
            actor=actor, payment_id=payment_id, reason=reason, amount_minor=amount,
            idempotency_key=key))
