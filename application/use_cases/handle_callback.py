"""A gateway callback: authenticate, store durably, then confirm and apply.

The callback carries no amount and no timestamp, so it is only a hint: the payment
changes on what the gateway's status call confirms. When that call still says PENDING
(the gateway lags behind its own callback) the payment is re-checked soon, never held.
The caller answers 200 as soon as `receive` returns (the callback is committed);
processing failures are retried later from the inbox, never answered 5xx.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from application.actor import GATEWAY_ACTOR
from application.ports import (
    AuditEntry,
    CallbackNotice,
    Clock,
    IdGenerator,
    InboxItem,
    PaymentGateway,
    UnitOfWork,
)
from application.probes import AFTER_INBOX_COMMIT, NoProbe, Probe
from application.redaction import mask_body, mask_headers
from application.transaction import Transactions
from application.use_cases.start_payment import CheckoutUrls
from application.use_cases.verify_payment import VerifyPayment
from domain.classification import ClassifiedFailure, classify
from domain.gateway_report import GatewayStatus


@dataclass(frozen=True, slots=True)
class CallbackReceipt:
    inbox_id: str
    duplicate: bool
    outcome: str  # processed | duplicate | orphan | unconfirmed | retry_later


class HandleCallback:
    def __init__(self, tx: Transactions, gateway: PaymentGateway, verify: VerifyPayment,
                 clock: Clock, ids: IdGenerator, urls: CheckoutUrls,
                 probe: Probe | None = None) -> None:
        self._tx, self._gateway, self._verify = tx, gateway, verify
        self._clock, self._ids = clock, ids
        self._probe = probe or NoProbe()
        self._path = urlsplit(urls.callback()).path  # what the gateway signed

    async def __call__(self, headers: Mapping[str, str], raw: bytes, *,
                       record_refusal: bool = True) -> CallbackReceipt:
        """`record_refusal=False` skips the audit entry of a refused callback (an address
        already over its limit of bad callbacks must not make us write for each)."""
        notice = await self._authenticate(self._path, headers, raw, record_refusal)
        item = InboxItem(id=self._ids.new_id("cbk"), dedupe_key=notice.dedupe_key,
                         paylink_id=notice.paylink_id, raw_body=mask_body(raw),
                         headers=mask_headers(headers), received_at=self._clock.now())

        async def store(uow: UnitOfWork) -> bool:
            return await uow.webhook_inbox.record(item)

        if not await self._tx.run(store):
            return CallbackReceipt(item.id, True, "duplicate")
        self._probe.reached(AFTER_INBOX_COMMIT)
        outcome = await self.process(item.id, notice.paylink_id, notice.status)
        return CallbackReceipt(item.id, False, outcome)

    async def _authenticate(self, path: str, headers: Mapping[str, str],
                            raw: bytes, record_refusal: bool) -> CallbackNotice:
        try:
            return self._gateway.verify_callback(path, headers, raw)
        except ClassifiedFailure as refused:
            code = refused.code
            if not record_refusal:
                raise

            async def record(uow: UnitOfWork) -> None:
                await uow.audit.append(AuditEntry(
                    at=self._clock.now(), actor="unknown", entity="webhook",
                    entity_id=self._ids.new_id("sec"), action="callback_rejected",
                    from_status=None, to_status=None, reason=code))

            await self._tx.run(record)
            raise

    async def process(self, inbox_id: str, paylink_id: str, claimed: GatewayStatus) -> str:
        """Confirm with the gateway and apply; safe to run again for the same item.

        `claimed` is what the callback said; PENDING when unknown (a retry from the inbox).
        """
        payment_id = await self._tx.run(lambda uow: self._payment_for(uow, paylink_id))
        if payment_id is None:
            await self._mark(inbox_id, "orphan")
            return "orphan"
        try:
            report = await self._verify.gateway_status(paylink_id)
        except Exception as failure:  # noqa: BLE001 - the inbox keeps it; retried later
            code = classify(failure).code
            if code != "gateway_circuit_open":  # refused without trying: not an attempt
                await self._mark(inbox_id, "failed", code)
            return "retry_later"
        # The status call lagging behind a final callback is ordinary, not a disagreement:
        # the payment stays pending and the checker asks again within seconds.
        unconfirmed = report is None or (
            claimed.is_final and report.status is GatewayStatus.PENDING)
        if report is not None:
            await self._verify.apply(payment_id, report, GATEWAY_ACTOR)
        if unconfirmed:
            await self._verify.recheck_soon(payment_id)
        await self._mark(inbox_id, "processed")
        return "unconfirmed" if unconfirmed else "processed"

    async def give_up(self, inbox_id: str, paylink_id: str) -> None:
        """Retries are spent: stop retrying this callback and let the checker ask the
        gateway about its payment at once (its fast lane, from the start)."""
        payment_id = await self._tx.run(lambda uow: self._payment_for(uow, paylink_id))
        if payment_id is not None:
            await self._verify.recheck_soon(payment_id, restart=True)
        await self._mark(inbox_id, "gave_up")

    @staticmethod
    async def _payment_for(uow: UnitOfWork, paylink_id: str) -> str | None:
        payment = await uow.payments.get_by_paylink(paylink_id)
        return payment.id if payment else None

    async def _mark(self, inbox_id: str, status: str, error: str | None = None) -> None:
        async def work(uow: UnitOfWork) -> None:
            await uow.webhook_inbox.mark(inbox_id, status, error)

        await self._tx.run(work)
