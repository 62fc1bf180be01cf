"""What happens when refund money really reached the student, whoever says so.

Shared by the API path (the gateway refunded at once) and the manual path (an admin
confirms a refund made in the iKhokha dashboard), so both count the money the same way
and a full refund always takes the course away in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from application.errors import NotFound
from application.ports import UnitOfWork
from domain.payment import Payment, PaymentStatus
from domain.refund import Refund

FULL_REFUND_REASON = "payment refunded in full"


async def load_refund_and_payment(uow: UnitOfWork, refund_id: str) -> tuple[Refund, Payment]:
    refund = await uow.refunds.get(refund_id)
    if refund is None:
        raise NotFound("refund")
    payment = await uow.payments.get(refund.payment_id)
    if payment is None:  # pragma: no cover - enforced by a foreign key
        raise NotFound("payment")
    return refund, payment


async def settle_refund(uow: UnitOfWork, refund: Refund, payment: Payment, *,
                        gateway_reference: str, at: datetime, actor: str) -> None:
    """Count the refund against the capture; a full refund revokes the enrollment."""
    if not refund.succeed(gateway_reference=gateway_reference, at=at, actor=actor):
        return  # already counted: confirming twice changes nothing
    payment.complete_refund(refund.amount, at=at, actor=actor, reason=refund.reason)
    if payment.status is not PaymentStatus.REFUNDED:
        return
    enrollment = await uow.enrollments.get(payment.enrollment_id)
    if enrollment is not None and enrollment.payment_id == payment.id:
        enrollment.revoke(reason=f"{FULL_REFUND_REASON}: {refund.reason}", at=at, actor=actor)


async def give_back_reservation(uow: UnitOfWork, refund_id: str, reason: str, at: datetime,
                                actor: str) -> Refund:
    """The refund failed for good: it never counted, so its amount is refundable again."""
    refund, payment = await load_refund_and_payment(uow, refund_id)
    if refund.fail(reason=reason, at=at, actor=actor):
        payment.release_refund(refund.amount)
    return refund
