"""A world of use-cases wired on fakes: memory storage, fake gateway, fixed clock."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from adapters.fake.gateway import FakeGateway
from adapters.memory.idempotency import MemoryIdempotencyStore
from adapters.memory.repositories import MemoryCallbackIntake
from adapters.memory.risk import memory_risk_store
from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.metrics.recording import RecordingMetrics
from adapters.notify.logging_notifier import RecordingNotifier
from adapters.sql.callback_intake import SqlCallbackIntake
from adapters.sql.risk import sql_risk_store
from adapters.system.clock import FixedClock, SequentialIds
from application.actor import Actor, Role
from application.checkout_urls import CheckoutUrls
from application.idempotency import IdempotentRequests
from application.risk import RiskGuard
from application.transaction import Transactions
from application.use_cases.apply_gateway_report import ApplyGatewayReport
from application.use_cases.check_pending import CheckPendingPayments
from application.use_cases.enrollments import (
    CreateEnrollment,
    CreateEnrollmentCommand,
    GetEnrollment,
)
from application.use_cases.handle_callback import HandleCallback
from application.use_cases.payment_queries import GetPayment, ListPayments
from application.use_cases.start_payment import StartPayment, StartPaymentCommand
from application.use_cases.verify_payment import VerifyPayment
from domain.enrollment import Enrollment
from domain.money import Money
from domain.payment import Payment

COURSES = itertools.count(1)
START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
SERVICE = Actor("platform", Role.SERVICE)
ADMIN = Actor("admin-1", Role.ADMIN)


def student(sub: str = "stu-1") -> Actor:
    return Actor(sub, Role.STUDENT)


@dataclass
class World:
    clock: FixedClock = field(default_factory=lambda: FixedClock(START))
    ids: SequentialIds = field(default_factory=SequentialIds)
    store: MemoryStore = field(default_factory=MemoryStore)
    notifier: RecordingNotifier = field(default_factory=RecordingNotifier)
    uow_factory: Any = None  # default: memory over `store`
    idempotency_store: Any = None
    real_gateway: Any = None  # default: a FakeGateway on this world's clock
    risk: bool = False  # judge checkouts, declines and refunds by the risk rules
    max_open_checkouts: int = 5

    def _callback_intake(self, factory: Any) -> Any:
        engine = getattr(factory, "engine", None)
        return SqlCallbackIntake(engine) if engine is not None \
            else MemoryCallbackIntake(self.store)

    def __post_init__(self) -> None:
        self.gateway = self.real_gateway or FakeGateway(self.clock)
        factory = self.uow_factory or MemoryUnitOfWorkFactory(self.store)
        self.tx = Transactions(factory, self.notifier)
        urls = CheckoutUrls("https://pay.example.test")
        self.risk_metrics = RecordingMetrics()
        stores = sql_risk_store if getattr(factory, "engine", None) is not None \
            else memory_risk_store
        self.risk_guard = RiskGuard(stores, self.clock, self.risk_metrics)
        guard = self.risk_guard if self.risk else None
        self.apply_report = ApplyGatewayReport(self.tx, self.clock, risk=guard)
        self.create_enrollment = CreateEnrollment(self.tx, self.clock, self.ids)
        self.get_enrollment = GetEnrollment(self.tx)
        self.start_payment = StartPayment(self.tx, self.gateway, self.clock, self.ids, urls,
                                          max_open_checkouts=self.max_open_checkouts,
                                          risk=guard)
        self.verify_payment = VerifyPayment(self.tx, self.gateway, self.apply_report)
        self.handle_callback = HandleCallback(self.tx, self.gateway, self.verify_payment,
                                              self.apply_report, self.clock, self.ids, urls,
                                              self._callback_intake(factory))
        self.check_pending = CheckPendingPayments(self.tx, self.gateway, self.verify_payment,
                                                  self.apply_report, self.clock)
        self.get_payment = GetPayment(self.tx)
        self.list_payments = ListPayments(self.tx)
        self.idempotent = IdempotentRequests(
            self.idempotency_store or MemoryIdempotencyStore(self.store), self.clock)

    async def enrollment(self, student_id: str = "stu-1", amount: int = 49900,
                         currency: str = "ZAR", course_id: str | None = None) -> Enrollment:
        """A new enrollment; each in its own course unless said (one purchase per course)."""
        course_id = course_id or f"course-{next(COURSES)}"
        return await self.create_enrollment(CreateEnrollmentCommand(
            SERVICE, student_id, course_id, Money(amount, currency)))

    async def checkout(self, enrollment: Enrollment, key: str = "checkout-key-000001") -> Payment:
        return await self.start_payment(StartPaymentCommand(
            student(enrollment.student_id), enrollment.id, key))

    def enrollment_row(self, enrollment_id: str) -> Enrollment:
        return self.store.enrollments[enrollment_id]

    def payment_row(self, payment_id: str) -> Payment:
        return self.store.payments[payment_id]

    def event_names(self) -> list[str]:
        return self.notifier.names()
