"""Give money back: reserve it, ask the gateway, then record what the gateway said.

Two transactions around the gateway call. The first creates the refund (pending) and
reserves its amount on the payment, so concurrent refunds can never oversell the
capture (version check plus a database CHECK). The second applies the answer: counted
at once (the gateway refunded by API), or `manual_action_required` (iKhokha: an operator
refunds in the dashboard and confirms here). A refund id derived from the caller's
Idempotency-Key makes a retried request find its own refund instead of reserving twice.

Refunds of one payment queue instead of failing with `concurrent_update`: in this
process they take turns on a per-payment lock for each of their two transactions (the
gateway call runs outside it), and across instances a lost race is retried patiently.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from application.actor import Actor, Role
from application.errors import ConcurrentUpdate, InvalidInput, NotFound
from application.ports import (
    Clock,
    IdGenerator,
    PaymentGateway,
    RefundMode,
    RefundResult,
    UnitOfWork,
)
from application.probes import INSIDE_REFUND, NoProbe, Probe
from application.risk import RiskGuard
from application.risk_verdict import RiskBlocked, Verdict
from application.transaction import Transactions
from application.use_cases.refund_settlement import (
    give_back_reservation,
    load_refund_and_payment,
    settle_refund,
)
from domain.classification import ClassifiedFailure, classify
from domain.money import Money
from domain.refund import Refund, RefundStatus

T = TypeVar("T")
MAX_REASON = 500
RECORD_ATTEMPTS = 20


@dataclass(frozen=True, slots=True)
class RequestRefundCommand:
    actor: Actor
    payment_id: str
    reason: str
    amount_minor: int | None = None  # None: everything still refundable
    idempotency_key: str | None = None


class RequestRefund:
    def __init__(self, tx: Transactions, gateway: PaymentGateway, clock: Clock,
                 ids: IdGenerator, probe: Probe | None = None,
                 risk: RiskGuard | None = None) -> None:
        self._tx, self._gateway, self._clock, self._ids = tx, gateway, clock, ids
        self._probe = probe or NoProbe()
        self._risk = risk
        self._turns: weakref.WeakValueDictionary[str, asyncio.Lock] = \
            weakref.WeakValueDictionary()

    def _turn(self, payment_id: str) -> asyncio.Lock:
        """One refund transaction at a time per payment in this process: a queue."""
        lock = self._turns.get(payment_id)
        if lock is None:
            lock = asyncio.Lock()
            self._turns[payment_id] = lock
        return lock

    async def __call__(self, cmd: RequestRefundCommand) -> Refund:
        cmd.actor.require(Role.ADMIN)
        if not cmd.reason.strip() or len(cmd.reason) > MAX_REASON:
            raise InvalidInput(f"reason must be 1-{MAX_REASON} characters", "reason_required")
        refund_id = self._refund_id(cmd)
        turn = self._turn(cmd.payment_id)
        verdicts: list[Verdict] = []
        async with turn:
            reserved = await self._patiently(
                lambda uow: self._reserve(uow, cmd, refund_id, verdicts))
        if self._risk is not None and verdicts:
            self._risk.count(verdicts[-1])
        if isinstance(reserved, RiskBlocked):
            raise reserved  # committed: the block and its audit entries
        refund, paylink_id = reserved
        if refund.status is not RefundStatus.PENDING:
            return refund  # a retried request whose refund already has its answer
        self._probe.reached(INSIDE_REFUND)
        try:
            result = await self._gateway.refund(
                paylink_id=paylink_id, payment_id=refund.payment_id, amount=refund.amount,
                reason=refund.reason, refund_id=refund.id)
        except Exception as failure:
            code = classify(failure)
            if not code.retryable:
                async with turn:
                    await self._patiently(lambda uow: give_back_reservation(
                        uow, refund_id, code.code, self._clock.now(), cmd.actor.label))
            raise  # retryable: stays pending and reserved; the same key retries it
        async with turn:
            return await self._patiently(lambda uow: self._record(uow, refund_id, result,
                                                                     cmd.actor))

    async def _patiently(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """The gateway has acted: its answer must be recorded even when many refunds of
        one payment race, so lost races are retried longer, with jittered pauses."""
        for attempt in range(RECORD_ATTEMPTS):
            try:
                return await self._tx.run(work)
            except ConcurrentUpdate:
                if attempt == RECORD_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(random.uniform(0, 0.005 * (attempt + 1)))
        raise ConcurrentUpdate()  # pragma: no cover - the loop returns or raises

    async def find(self, cmd: RequestRefundCommand) -> Refund | None:
        """The refund this request (same caller, payment and key) already made, if any:
        a retry while the first request is still held answers with its state at once."""
        if cmd.idempotency_key is None:
            return None
        refund_id = self._refund_id(cmd)
        return await self._tx.run(lambda uow: uow.refunds.get(refund_id))

    def _refund_id(self, cmd: RequestRefundCommand) -> str:
        if cmd.idempotency_key is None:
            return self._ids.new_id("ref")
        seed = f"{cmd.actor.sub}\x00{cmd.payment_id}\x00{cmd.idempotency_key}".encode()
        return "ref_" + hashlib.sha256(seed).hexdigest()[:24]

    async def _reserve(self, uow: UnitOfWork, cmd: RequestRefundCommand, refund_id: str,
                       verdicts: list[Verdict]) -> tuple[Refund, str] | RiskBlocked:
        payment = await uow.payments.get(cmd.payment_id)
        if payment is None:
            raise NotFound("payment")
        existing = await uow.refunds.get(refund_id)
        if existing is not None:
            if existing.reason != cmd.reason.strip() or cmd.amount_minor not in (
                    None, existing.amount.amount_minor):
                raise ClassifiedFailure("idempotency_key_reused",
                                        "this Idempotency-Key asked for another refund")
            return existing, payment.paylink_id or ""
        wanted = (payment.refundable if cmd.amount_minor is None
                  else Money(cmd.amount_minor, payment.amount.currency))
        if self._risk is not None:
            verdict = await self._risk.check_refund(uow, payment)
            verdicts.append(verdict)
            if verdict.refusal is not None:
                return verdict.refusal
        payment.reserve_refund(wanted)
        now = self._clock.now()
        refund = Refund.request(refund_id=refund_id, payment_id=payment.id,
                                student_id=payment.student_id, amount=wanted,
                                reason=cmd.reason.strip(), at=now, actor=cmd.actor.label)
        await uow.refunds.add(refund)
        return refund, payment.paylink_id or ""

    async def _record(self, uow: UnitOfWork, refund_id: str, result: RefundResult,
                      actor: Actor) -> Refund:
        refund, payment = await load_refund_and_payment(uow, refund_id)
        now = self._clock.now()
        if result.mode is RefundMode.MANUAL_ACTION_REQUIRED:
            refund.require_manual_action(at=now, actor=actor.label)
        else:
            await settle_refund(uow, refund, payment, at=now, actor=actor.label,
                                gateway_reference=result.gateway_reference or refund.id)
        return refund
