"""Start checkout for an enrollment: one payment, one paylink, whatever the retries.

The payment row is committed *before* the gateway is asked for a paylink, with our
payment id as iKhokha's externalTransactionID, so a crash or timeout in between leaves
a record that a retry (same Idempotency-Key) or reconciliation completes — never a
second charge.

Double clicks and parallel tabs (different keys) get the same checkout: the database
allows one open payment per enrollment (a partial unique index), so a concurrent second
insert loses its race and its re-run returns the winner. Only one request asks the
gateway for that payment's paylink; the others wait for it (in this process on the
same task, across instances by reading the row until the paylink is there).

The risk rules (application/risk.py) judge a new checkout in the same transaction that
creates it: a block commits its flag and audit entries, creates nothing, and is raised
as `risk_blocked` (403) once committed. Lost races on the rules' counters re-run the
transaction, patiently (SQLite settles them by retrying, PostgreSQL by row locks).
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from datetime import timedelta

from application.actor import Actor, Role
from application.errors import ConcurrentUpdate, NotFound
from application.open_checkouts import DEFAULT_MAX_OPEN_CHECKOUTS, claim_checkout_slot
from application.ports import Clock, IdGenerator, PaylinkRequest, PaymentGateway, UnitOfWork
from application.risk import RiskBlocked, RiskGuard, Verdict
from application.transaction import Transactions
from domain.classification import ClassifiedFailure, classify
from domain.errors import EnrollmentNotPayable
from domain.payment import Payment, PaymentStatus

DEFAULT_PAYLINK_LIFETIME = timedelta(hours=24)
# How long another instance may take to get a paylink for a payment it created before
# a waiting request asks the gateway itself (longer than the gateway deadline).
ISSUE_LEASE = timedelta(seconds=40)
ISSUE_POLL_S = 0.05
_MAX_TRIED = 10_000
OPEN_ATTEMPTS = 4  # rounds of Transactions.run's own retries, with a jittered pause


@dataclass(frozen=True, slots=True)
class CheckoutUrls:
    """Where the gateway sends the callback and the student's browser afterwards."""

    public_url: str
    callback_path: str = "/webhooks/ikhokha"

    def callback(self) -> str:
        return self.public_url.rstrip("/") + self.callback_path

    def return_page(self, payment_id: str, outcome: str) -> str:
        return f"{self.public_url.rstrip('/')}/checkout/{payment_id}/{outcome}"


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
        self._tx, self._gateway, self._clock, self._ids, self._urls = tx, gateway, clock, ids, urls
        self._max_open = max_open_checkouts
        self._risk = risk
        self._issuing: dict[str, asyncio.Future[Payment]] = {}
        self._tried: set[str] = set()

    async def __call__(self, cmd: StartPaymentCommand) -> Payment:
        cmd.actor.require(Role.STUDENT, Role.ADMIN)
        payment = await self._open_patiently(cmd)
        if payment.status is not PaymentStatus.CREATED:
            return payment
        mine = payment.idempotency_key == cmd.idempotency_key
        if not mine and not self._known_here(payment.id):
            payment = await self._wait_for_paylink(payment)
            if payment.status is not PaymentStatus.CREATED:
                return payment
        return await self._issue_once(payment, cmd.actor)

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

    def _known_here(self, payment_id: str) -> bool:
        """This process is asking, or has asked, the gateway for this payment's paylink."""
        return payment_id in self._issuing or payment_id in self._tried

    async def _wait_for_paylink(self, payment: Payment) -> Payment:
        """Another request (maybe another instance) created this payment and is asking
        the gateway: wait for its paylink instead of asking a second time, up to a lease."""
        while self._clock.now() < payment.created_at + ISSUE_LEASE:
            await asyncio.sleep(ISSUE_POLL_S)
            current = await self._tx.run(lambda uow: uow.payments.get(payment.id))
            if current is None:  # pragma: no cover - rows are never deleted
                raise NotFound("payment")
            if current.status is not PaymentStatus.CREATED or self._known_here(payment.id):
                return current
        return payment

    async def _issue_once(self, payment: Payment, actor: Actor) -> Payment:
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

