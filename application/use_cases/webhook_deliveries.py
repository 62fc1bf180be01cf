"""An operator sees a payment's platform webhook deliveries and resends one (admin only).

Why: when the platform missed an event (its endpoint was down past the last retry, or it
lost what it received), the only fix used to be a database edit. A resend is one signed
POST now, with the same `webhook-id` (the event id), so a platform that did receive it
deduplicates. The attempt is counted in the delivery log like the worker's, and the
resend is written to the payment's audit trail with who did it and what came back.

A resend of a delivery the worker is still retrying may race the worker's own attempt:
the platform sees the same webhook-id twice and keeps one, as it must for any retry.
"""

from __future__ import annotations

import json

from application.actor import Actor, Role
from application.errors import NotFound
from application.ports import (
    AuditEntry,
    Clock,
    Delivery,
    DeliveryLog,
    UnitOfWork,
    WebhookSender,
)
from application.transaction import Transactions
from domain.payment import Payment

MAX_SHOWN = 200


def event_type(delivery: Delivery) -> str:
    """The event's type as the platform receives it (`PaymentSucceeded`, ...)."""
    try:
        return str(json.loads(delivery.body).get("type", "?"))
    except (ValueError, AttributeError):
        return "?"


async def _payment(tx: Transactions, payment_id: str) -> Payment:
    async def work(uow: UnitOfWork) -> Payment:
        payment = await uow.payments.get(payment_id)
        if payment is None:
            raise NotFound("payment")
        return payment

    return await tx.run(work)


class PaymentDeliveries:
    """The deliveries of every event that names the payment or its enrollment."""

    def __init__(self, log: DeliveryLog, tx: Transactions) -> None:
        self._log, self._tx = log, tx

    async def __call__(self, actor: Actor, payment_id: str) -> list[Delivery]:
        actor.require(Role.ADMIN)
        payment = await _payment(self._tx, payment_id)
        return await self._log.mentioning([payment.id, payment.enrollment_id],
                                          payment.created_at, MAX_SHOWN)


class ResendDelivery:
    def __init__(self, log: DeliveryLog, sender: WebhookSender, tx: Transactions,
                 clock: Clock) -> None:
        self._log, self._sender, self._tx, self._clock = log, sender, tx, clock

    async def __call__(self, actor: Actor, payment_id: str, delivery_id: str) -> Delivery:
        """Send once now; return the delivery as recorded after the attempt."""
        actor.require(Role.ADMIN)
        payment = await _payment(self._tx, payment_id)
        mine = await self._log.mentioning([payment.id, payment.enrollment_id],
                                          payment.created_at, MAX_SHOWN)
        delivery = next((d for d in mine if d.id == delivery_id), None)
        if delivery is None:
            raise NotFound("delivery")
        status, error = None, None
        try:
            status = await self._sender.send(delivery.url, delivery.event_id, delivery.body)
        except Exception as failure:  # noqa: BLE001 - the answer is recorded, not raised
            error = type(failure).__name__
        ok = status is not None and 200 <= status < 300
        # A failed resend leaves a pending delivery on the worker's schedule; one that had
        # finished (delivered or given up) records the failure and stays finished.
        keep = delivery.next_attempt_at if delivery.status == "pending" and not ok else None
        await self._log.record_attempt(delivery.id, delivered=ok, status_code=status,
                                       error=error, next_attempt_at=keep,
                                       now=self._clock.now())
        after = await self._log.get(delivery.id) or delivery
        answer = f"HTTP {status}" if status is not None else f"no answer ({error})"

        async def audit(uow: UnitOfWork) -> None:
            await uow.audit.append(AuditEntry(
                at=self._clock.now(), actor=actor.label, entity="payment",
                entity_id=payment.id, action="webhook_resent", from_status=delivery.status,
                to_status=after.status,
                reason=f"{event_type(delivery)} ({delivery.event_id}) to {delivery.url}: "
                       f"{answer}"))

        await self._tx.run(audit)
        return after
