"""A go-live test payment: a small live paylink an operator pays by hand, verified
through the normal path (VerifyPayment) and marked as a go-live test.

The books find it: it belongs to the student `go-live-test` (admins list it with
`GET /api/v1/payments?student_id=go-live-test`), for a course named
`go-live-test-<id>` (one purchase per course, so every run gets its own), and each run
ends with one `go_live_test` entry in the payment's audit trail, saying whether the
gateway confirmed it. No schema change: these are ordinary rows.
"""

from __future__ import annotations

from application.actor import Actor, Role
from application.ports import AuditEntry, Clock, IdGenerator, UnitOfWork
from application.transaction import Transactions
from application.use_cases.enrollments import CreateEnrollment, CreateEnrollmentCommand
from application.use_cases.start_payment import StartPayment, StartPaymentCommand
from application.use_cases.verify_payment import VerifyPayment
from domain.money import Money
from domain.payment import Payment, PaymentStatus

GO_LIVE_TEST = "go-live-test"
AUDIT_ACTION = "go_live_test"
PREFLIGHT = Actor("preflight", Role.ADMIN)


class GoLiveTest:
    def __init__(self, tx: Transactions, create_enrollment: CreateEnrollment,
                 start_payment: StartPayment, verify_payment: VerifyPayment, clock: Clock,
                 ids: IdGenerator) -> None:
        self._tx, self._clock, self._ids = tx, clock, ids
        self._enroll, self._start, self._verify = create_enrollment, start_payment, verify_payment

    async def start(self, amount: Money) -> Payment:
        """A new enrollment and its payment, with the gateway's paylink attached."""
        enrollment = await self._enroll(CreateEnrollmentCommand(
            PREFLIGHT, GO_LIVE_TEST, self._ids.new_id(GO_LIVE_TEST), amount))
        return await self._start(StartPaymentCommand(PREFLIGHT, enrollment.id,
                                                     self._ids.new_id("preflight")))

    async def check(self, payment_id: str) -> Payment:
        """Ask the gateway now and apply its answer, exactly as the verify button does."""
        return await self._verify(PREFLIGHT, payment_id)

    async def mark(self, payment: Payment, outcome: str) -> None:
        """The run's one audit entry on the payment: a go-live test, and how it ended."""
        verified = payment.status is PaymentStatus.SUCCEEDED and not payment.is_held
        entry = AuditEntry(
            at=self._clock.now(), actor=PREFLIGHT.label, entity="payment",
            entity_id=payment.id, action=AUDIT_ACTION, from_status=None,
            to_status=payment.status.value,
            reason=f"go-live test of {payment.amount}: "
                   + ("verified with the gateway" if verified else outcome))

        async def record(uow: UnitOfWork) -> None:
            await uow.audit.append(entry)

        await self._tx.run(record)
