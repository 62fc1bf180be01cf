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
from application.use_cases.apply_gateway_report import ApplyGatewayReport, unlock_or_refuse
from application.use_cases.verify_payment import VerifyPayment
from domain.errors import IllegalTransition
from domain.gateway_report import GatewayReport
from domain.payment import Payment

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
                 apply_report: ApplyGatewayReport, clock: Clock) -> None:
        self._tx, self._verify, self._apply, self._clock = tx, verify, apply_report, clock

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
                    await unlock_or_refuse(uow, current, label)
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
        if await self._apply.for_review(uow, payment, report, actor, reason):
            return
        await uow.audit.append(AuditEntry(
            at=self._clock.now(), actor=actor, entity="payment", entity_id=payment.id,
            action="review_reverify_still_held", from_status=payment.status.value,
            to_status=payment.status.value,
            reason=f"{payment.review_reason}: gateway still disagrees: {reason}"))
