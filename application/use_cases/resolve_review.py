"""An admin resolves a payment held for review: re-verify, accept or reject.

A held payment is never fulfilled automatically, so without this the student who paid
would wait for someone to edit the database. Every resolution needs a written reason
and is audited with the admin who made it:
- `reverify` asks the gateway again and applies its answer if it now agrees with our
  record (paylink, transaction id, amount, currency); otherwise the payment stays held
  and the attempt is audited;
- `accept` takes the money the gateway captured as this course's payment and unlocks
  the course; refused when the course is already unlocked by another payment or
  revoked (refund this payment instead);
- `reject` closes the payment unpaid; refused while it holds captured money that has
  not been refunded (`captured_money_unresolved`): refund first.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from application.actor import Actor, Role
from application.errors import InvalidInput, NotFound
from application.ports import AuditEntry, Clock, UnitOfWork
from application.transaction import Transactions
from application.use_cases.apply_gateway_report import GatewayReportApplier
from application.use_cases.verify_payment import VerifyPayment
from domain.enrollment import ActivationRefused
from domain.errors import IllegalTransition
from domain.gateway_report import GatewayReport
from domain.payment import Payment, PaymentStatus

MAX_REASON = 500


class ReviewAction(str, Enum):
    REVERIFY = "reverify"
    ACCEPT = "accept"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class ResolveReviewCommand:
    actor: Actor
    payment_id: str
    action: ReviewAction
    reason: str


class ResolveReview:
    def __init__(self, tx: Transactions, verify: VerifyPayment,
                 applier: GatewayReportApplier, clock: Clock) -> None:
        self._tx, self._verify, self._applier, self._clock = tx, verify, applier, clock

    async def __call__(self, cmd: ResolveReviewCommand) -> Payment:
        cmd.actor.require(Role.ADMIN)
        reason = cmd.reason.strip()
        if not reason or len(cmd.reason) > MAX_REASON:
            raise InvalidInput(f"reason must be 1-{MAX_REASON} characters", "reason_required")
        payment = await self._tx.run(lambda uow: self._held(uow, cmd.payment_id))
        report = None
        if cmd.action is ReviewAction.REVERIFY and payment.paylink_id is not None:
            report = await self._verify.gateway_status(payment.paylink_id)

        async def work(uow: UnitOfWork) -> Payment:
            current = await self._held(uow, cmd.payment_id)
            label = cmd.actor.label
            if cmd.action is ReviewAction.ACCEPT:
                if current.accept_held(at=self._clock.now(), actor=label, reason=reason):
                    await self._unlock(uow, current, label)
            elif cmd.action is ReviewAction.REJECT:
                current.reject_held(at=self._clock.now(), actor=label, reason=reason)
            else:
                await self._reverify(uow, current, report, label, reason)
            return current

        return await self._tx.run(work)

    @staticmethod
    async def _held(uow: UnitOfWork, payment_id: str) -> Payment:
        payment = await uow.payments.get(payment_id)
        if payment is None:
            raise NotFound("payment")
        if not payment.is_held:
            raise IllegalTransition("this payment is not held for review")
        return payment

    async def _reverify(self, uow: UnitOfWork, payment: Payment,
                        report: GatewayReport | None, actor: str, reason: str) -> None:
        before = payment.status
        agreed = report is not None and payment.reverify_held(
            report, at=self._clock.now(), actor=actor, reason=reason)
        if not agreed:
            await uow.audit.append(AuditEntry(
                at=self._clock.now(), actor=actor, entity="payment", entity_id=payment.id,
                action="review_reverify_still_held", from_status=payment.status.value,
                to_status=payment.status.value,
                reason=f"{payment.review_reason}: gateway still disagrees: {reason}"))
            return
        if payment.status is PaymentStatus.SUCCEEDED and before is not PaymentStatus.SUCCEEDED:
            await self._unlock(uow, payment, actor)  # we had closed it; the gateway was paid
        elif report is not None:  # cleared: the usual path applies it (and unlocks)
            await self._applier.apply(uow, payment, report, actor)

    @staticmethod
    async def _unlock(uow: UnitOfWork, payment: Payment, actor: str) -> None:
        enrollment = await uow.enrollments.get(payment.enrollment_id)
        if enrollment is None:  # pragma: no cover - enforced by a foreign key
            raise NotFound("enrollment")
        try:
            enrollment.activate(payment_id=payment.id, at=payment.updated_at, actor=actor)
        except ActivationRefused as refused:
            raise IllegalTransition(
                f"{refused}: refund this payment instead of accepting it") from None
