"""One paylink per payment: asks the gateway once, however many requests want it.

A checkout's payment row is committed before the gateway is asked (use_cases/
start_payment.py), so several requests can find the same payment still without a
paylink: a double click, parallel tabs, another instance. Only one of them asks the
gateway; the others wait for it, in this process on the same task (shared, and finished
even when the request that started it goes away), across instances by reading the row
until the paylink is there, up to a lease. A refusal that retrying cannot change
records the payment as failed to start; a retryable one leaves it for the next request.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from application.actor import Actor
from application.checkout_urls import CheckoutUrls
from application.errors import NotFound
from application.ports import Clock, PaylinkRequest, PaymentGateway, UnitOfWork
from application.transaction import Transactions
from domain.classification import classify
from domain.payment import Payment, PaymentStatus

DEFAULT_PAYLINK_LIFETIME = timedelta(hours=24)
# How long another instance may take to get a paylink for a payment it created before
# a waiting request asks the gateway itself (longer than the gateway deadline).
ISSUE_LEASE = timedelta(seconds=40)
ISSUE_POLL_S = 0.05
_MAX_TRIED = 10_000


class PaylinkIssuer:
    def __init__(self, tx: Transactions, gateway: PaymentGateway, clock: Clock,
                 urls: CheckoutUrls) -> None:
        self._tx, self._gateway, self._clock, self._urls = tx, gateway, clock, urls
        self._issuing: dict[str, asyncio.Future[Payment]] = {}
        self._tried: set[str] = set()

    def known_here(self, payment_id: str) -> bool:
        """This process is asking, or has asked, the gateway for this payment's paylink."""
        return payment_id in self._issuing or payment_id in self._tried

    async def wait_for_paylink(self, payment: Payment) -> Payment:
        """Another request (maybe another instance) created this payment and is asking
        the gateway: wait for its paylink instead of asking a second time, up to a lease."""
        while self._clock.now() < payment.created_at + ISSUE_LEASE:
            await asyncio.sleep(ISSUE_POLL_S)
            current = await self._tx.run(lambda uow: uow.payments.get(payment.id))
            if current is None:  # pragma: no cover - rows are never deleted
                raise NotFound("payment")
            if current.status is not PaymentStatus.CREATED or self.known_here(payment.id):
                return current
        return payment

    async def issue_once(self, payment: Payment, actor: Actor) -> Payment:
        """One gateway call per payment in this process, shared by every waiting request,
        and finished even when the request that started it goes away."""
        running = self._issuing.get(payment.id)
        if running is None:
            running = asyncio.ensure_future(self._issue_paylink(payment, actor))
            self._issuing[payment.id] = running
            self._tried.add(payment.id)

            def forget(done: asyncio.Future[Payment]) -> None:
                self._issuing.pop(payment.id, None)
                if not done.cancelled() and done.exception() is None:
                    self._tried.discard(payment.id)  # remember failures only
                elif len(self._tried) > _MAX_TRIED:
                    self._tried.clear()

            running.add_done_callback(forget)
        return await asyncio.shield(running)

    async def _issue_paylink(self, payment: Payment, actor: Actor) -> Payment:
        request = PaylinkRequest(
            payment_id=payment.id, enrollment_id=payment.enrollment_id, amount=payment.amount,
            description=f"Beta Skill course enrollment {payment.enrollment_id}",
            callback_url=self._urls.callback(),
            success_url=self._urls.return_page(payment.id, "success"),
            failure_url=self._urls.return_page(payment.id, "failure"),
            cancel_url=self._urls.return_page(payment.id, "cancel"))
        try:
            paylink = await self._gateway.create_paylink(request)
        except Exception as failure:
            if not classify(failure).retryable:
                await self._record_start_failure(payment.id, classify(failure).code, actor)
            raise
        expires_at = paylink.expires_at or self._clock.now() + DEFAULT_PAYLINK_LIFETIME

        async def attach(uow: UnitOfWork) -> Payment:
            current = await uow.payments.get(payment.id)
            if current is None:  # pragma: no cover - rows are never deleted
                raise NotFound("payment")
            if current.status is PaymentStatus.CREATED:
                current.attach_paylink(paylink_id=paylink.paylink_id,
                                       checkout_url=paylink.checkout_url,
                                       expires_at=expires_at, at=self._clock.now(),
                                       actor=actor.label)
            return current

        return await self._tx.run(attach)

    async def _record_start_failure(self, payment_id: str, code: str, actor: Actor) -> None:
        async def fail(uow: UnitOfWork) -> None:
            current = await uow.payments.get(payment_id)
            if current is not None and current.status is PaymentStatus.CREATED:
                current.fail_to_start(code=code, at=self._clock.now(), actor=actor.label)

        await self._tx.run(fail)
