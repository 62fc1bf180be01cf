"""Start checkout for an enrollment: one payment, one paylink, whatever the retries.

The payment row is committed *before* the gateway is asked for a paylink, with our
payment id as iKhokha's externalTransactionID, so a crash or timeout in between leaves
a record that a retry (same Idempotency-Key) or reconciliation completes — never a
second charge.

Double clicks and parallel tabs (different keys) get the same checkout: the database
allows one open payment per enrollment (a partial unique index), so a concurrent second
insert loses its race and its re-run returns the winner. Only one request asks the
gateway for that payment's paylink; the others wait for it (application/
paylink_issuer.py).

The risk rules (application/risk.py) judge a new checkout in the same transaction that
creates it: a block commits its flag and audit entries, creates nothing, and is raised
as `risk_blocked` (403) once committed. Lost races on the rules' counters re-run the
transaction, patiently (SQLite settles them by retrying, PostgreSQL by row locks).
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

from application.actor import Actor, Role
from application.checkout_urls import CheckoutUrls
from application.errors import ConcurrentUpdate, NotFound
from application.open_checkouts import DEFAULT_MAX_OPEN_CHECKOUTS, claim_checkout_slot
from application.paylink_issuer import PaylinkIssuer
from application.ports import Clock, IdGenerator, PaymentGateway, UnitOfWork
from application.risk import RiskGuard
from application.risk_verdict import RiskBlocked, Verdict
from application.transaction import Transactions
from domain.classification import ClassifiedFailure
from domain.errors import EnrollmentNotPayable
from domain.payment import Payment, PaymentStatus

OPEN_ATTEMPTS = 4  # rounds of Transactions.run's own retries, with a jittered pause


@dataclass(frozen=True, slots=True)
class StartPaymentCommand:
    actor: Actor
    enrollment_id: str
    idempotency_key: str
    client_address: str | None = None  # the caller's IP, for the per-address risk rules


class StartPayment:
    def __init__(self, tx: Transactions, gateway: PaymentGateway, clock: Clock,
                 ids: IdGenerator, urls: CheckoutUrls,
                 max_open_checkouts: int = DEFAULT_MAX_OPEN_CHECKOUTS,
                 risk: RiskGuard | None = None) -> None:
        self._tx, self._clock, self._ids = tx, clock, ids
        self._max_open = max_open_checkouts
        self._risk = risk
        self._paylinks = PaylinkIssuer(tx, gateway, clock, urls)

    async def __call__(self, cmd: StartPaymentCommand) -> Payment:
        cmd.actor.require(Role.STUDENT, Role.ADMIN)
        payment = await self._open_patiently(cmd)
        if payment.status is not PaymentStatus.CREATED:
            return payment
        mine = payment.idempotency_key == cmd.idempotency_key
        if not mine and not self._paylinks.known_here(payment.id):
            payment = await self._paylinks.wait_for_paylink(payment)
            if payment.status is not PaymentStatus.CREATED:
                return payment
        return await self._paylinks.issue_once(payment, cmd.actor)

    async def _open_patiently(self, cmd: StartPaymentCommand) -> Payment:
        verdicts: list[Verdict] = []
        for attempt in range(OPEN_ATTEMPTS):
            try:
                opened = await self._tx.run(lambda uow: self._open_payment(uow, cmd, verdicts))
                break
            except ConcurrentUpdate:
                if self._risk is None or attempt == OPEN_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(random.uniform(0, 0.005 * (attempt + 1)))
        if self._risk is not None and verdicts:
            self._risk.count(verdicts[-1])  # the committed attempt's decisions
        if isinstance(opened, RiskBlocked):
            raise opened
        return opened

    async def _open_payment(self, uow: UnitOfWork, cmd: StartPaymentCommand,
                            verdicts: list[Verdict]) -> Payment | RiskBlocked:
        enrollment = await uow.enrollments.get(cmd.enrollment_id)
        if enrollment is None:
            raise NotFound("enrollment")
        cmd.actor.require_owner(enrollment.student_id, "enrollment")
        same_key = await uow.payments.get_by_idempotency_key(enrollment.student_id,
                                                             cmd.idempotency_key)
        if same_key is not None and same_key.enrollment_id == enrollment.id:
            return same_key
        if not enrollment.is_payable:
            raise EnrollmentNotPayable(f"enrollment is {enrollment.status.value}")
        now = self._clock.now()
        for earlier in await uow.payments.for_enrollment(enrollment.id):
            if earlier.is_held:  # money we did not expect, or facts that disagree
                raise ClassifiedFailure("payment_under_review",
                                        f"payment {earlier.id} of this enrollment is held "
                                        "for review")
            if not earlier.is_open:
                continue
            if earlier.expires_at is None or earlier.expires_at > now:
                return earlier  # the checkout already in progress, not a second one
            earlier.expire(at=now, actor=cmd.actor.label)  # frees the one open slot
        slot = await claim_checkout_slot(uow, enrollment.student_id, now, self._max_open)
        payment_id = self._ids.new_id("pay")
        if self._risk is not None:
            verdict = await self._risk.check_checkout(
                uow, student_id=enrollment.student_id, enrollment_id=enrollment.id,
                payment_id=payment_id, address=cmd.client_address)
            verdicts.append(verdict)
            if verdict.refusal is not None:
                return verdict.refusal  # committed: the block and its audit entries
        payment = Payment.create(
            payment_id=payment_id, enrollment_id=enrollment.id,
            student_id=enrollment.student_id, amount=enrollment.price, at=now,
            actor=cmd.actor.label, idempotency_key=cmd.idempotency_key, open_slot=slot)
        await uow.payments.add(payment)
        return payment
