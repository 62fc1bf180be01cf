"""A gateway callback: authenticate, store durably, then confirm and apply.

The callback carries no amount and no timestamp, so it is only a hint: the payment
changes on what the gateway's status call confirms. When that call still says PENDING
(the gateway lags behind its own callback) the payment is re-checked soon, never held.

`receive` is the acknowledgement: the signature checked over the raw bytes and the
inbox row stored with one statement in one transaction; the caller answers 200 then.
`process` (confirm and apply) runs off the request path: the receiving instance starts
it at once while holding the item for `lease`; if it cannot (busy, or it dies), any
worker's sweep leases the item once that lease ends. Failures are retried from the
inbox with a growing backoff, never answered 5xx.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from application.actor import GATEWAY_ACTOR
from application.checkout_urls import CheckoutUrls
from application.ports import (
    AuditEntry,
    CallbackIntake,
    CallbackNotice,
    Clock,
    IdGenerator,
    InboxItem,
    PaymentGateway,
    UnitOfWork,
)
from application.probes import AFTER_INBOX_COMMIT, NoProbe, Probe
from application.redaction import Redactor
from application.transaction import Transactions
from application.use_cases.apply_gateway_report import ApplyGatewayReport
from application.use_cases.verify_payment import VerifyPayment
from domain.classification import ClassifiedFailure, classify
from domain.gateway_report import GatewayStatus

# How long whoever took a callback holds it: longer than one processing (a status call
# within the gateway's deadline, and a transaction). The container derives it from the
# configured deadline; past it, another worker may take the item.
PROCESSING_LEASE = timedelta(seconds=35)
BACKOFF_BASE = timedelta(seconds=5)
BACKOFF_CAP = timedelta(minutes=15)


def retry_backoff(attempts: int) -> timedelta:
    """The pause after the `attempts`-th failed attempt: 5 s, 10 s, 20 s ... 15 min."""
    grown: timedelta = BACKOFF_BASE * 2 ** min(max(attempts - 1, 0), 20)
    return min(grown, BACKOFF_CAP)


@dataclass(frozen=True, slots=True)
class CallbackReceipt:
    inbox_id: str
    duplicate: bool
    # received | processed | duplicate | orphan | unconfirmed | retry_later
    outcome: str
    paylink_id: str | None = None
    claimed: GatewayStatus = GatewayStatus.PENDING


class HandleCallback:
    def __init__(self, tx: Transactions, gateway: PaymentGateway, verify: VerifyPayment,
                 apply_report: ApplyGatewayReport, clock: Clock, ids: IdGenerator,
                 urls: CheckoutUrls, intake: CallbackIntake,
                 probe: Probe | None = None, lease: timedelta = PROCESSING_LEASE,
                 redactor: Redactor | None = None) -> None:
        self.lease = lease
        # Masks what the inbox stores; the composition root passes the process's redactor,
        # which also knows the configured secret values.
        self._redactor = redactor or Redactor()
        self._tx, self._gateway, self._verify, self._intake = tx, gateway, verify, intake
        self._apply = apply_report
        self._clock, self._ids = clock, ids
        self._probe = probe or NoProbe()
        self._path = urlsplit(urls.callback()).path  # what the gateway signed

    async def __call__(self, headers: Mapping[str, str], raw: bytes, *,
                       record_refusal: bool = True) -> CallbackReceipt:
        """Receive and process in one go (tools and tests; HTTP acknowledges first)."""
        receipt = await self.receive(headers, raw, record_refusal=record_refusal)
        if receipt.duplicate or receipt.paylink_id is None:
            return receipt
        outcome = await self.process(receipt.inbox_id, receipt.paylink_id, receipt.claimed)
        return CallbackReceipt(receipt.inbox_id, False, outcome, receipt.paylink_id,
                               receipt.claimed)

    async def receive(self, headers: Mapping[str, str], raw: bytes, *, decoded: Any = None,
                      record_refusal: bool = True, hold: bool = True) -> CallbackReceipt:
        """Authenticate and store: the acknowledgement. `hold=False` leaves the item to
        any worker at once (the receiving instance will not process it). `decoded` is
        the body's JSON value when the caller already parsed `raw` (it is not parsed
        again); None: parsed here.

        `record_refusal=False` skips the audit entry of a refused callback (an address
        already over its limit of bad callbacks must not make us write for each)."""
        notice = await self._authenticate(self._path, headers, raw, decoded, record_refusal)
        now = self._clock.now()
        item = InboxItem(id=self._ids.new_id("cbk"), dedupe_key=notice.dedupe_key,
                         paylink_id=notice.paylink_id,
                         raw_body=self._redactor.mask_body(raw, decoded),
                         headers=self._redactor.mask_headers(headers), received_at=now,
                         next_attempt_at=now + self.lease if hold else now)
        if not await self._intake.accept(item):
            return CallbackReceipt(item.id, True, "duplicate")
        self._probe.reached(AFTER_INBOX_COMMIT)
        return CallbackReceipt(item.id, False, "received", notice.paylink_id, notice.status)

    async def _authenticate(self, path: str, headers: Mapping[str, str], raw: bytes,
                            decoded: Any, record_refusal: bool) -> CallbackNotice:
        try:
            return self._gateway.verify_callback(path, headers, raw, decoded)
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
        async def find(uow: UnitOfWork) -> str | None:
            payment_id = await self._payment_for(uow, paylink_id)
            if payment_id is None:  # filed as an orphan in the same transaction
                await uow.webhook_inbox.mark(inbox_id, "orphan")
            return payment_id

        payment_id = await self._tx.run(find)
        if payment_id is None:
            return "orphan"
        try:
            report = await self._verify.gateway_status(paylink_id)
        except Exception as failure:  # noqa: BLE001 - the inbox keeps it; retried later
            code = classify(failure).code
            if code != "gateway_circuit_open":  # refused without trying: not an attempt
                await self._fail(inbox_id, code)
            return "retry_later"
        # The status call lagging behind a final callback is ordinary, not a disagreement:
        # the payment stays pending and the checker asks again within seconds.
        unconfirmed = report is None or (
            claimed.is_final and report.status is GatewayStatus.PENDING)

        async def done(uow: UnitOfWork) -> None:
            await uow.webhook_inbox.mark(inbox_id, "processed")

        await self._apply.and_then(payment_id, report, GATEWAY_ACTOR, recheck=unconfirmed,
                                  then=done)
        return "unconfirmed" if unconfirmed else "processed"

    async def give_up(self, inbox_id: str, paylink_id: str) -> None:
        """Retries are spent: stop retrying this callback and let the checker ask the
        gateway about its payment at once (its fast lane, from the start)."""
        payment_id = await self._tx.run(lambda uow: self._payment_for(uow, paylink_id))
        if payment_id is not None:
            await self._apply.recheck_soon(payment_id, restart=True)
        await self._mark(inbox_id, "gave_up")

    @staticmethod
    async def _payment_for(uow: UnitOfWork, paylink_id: str) -> str | None:
        payment = await uow.payments.get_by_paylink(paylink_id)
        return payment.id if payment else None

    async def _mark(self, inbox_id: str, status: str) -> None:
        async def work(uow: UnitOfWork) -> None:
            await uow.webhook_inbox.mark(inbox_id, status)

        await self._tx.run(work)

    async def _fail(self, inbox_id: str, code: str) -> None:
        """Count the attempt and push the item back by the backoff it has earned."""
        async def work(uow: UnitOfWork) -> None:
            item = await uow.webhook_inbox.get(inbox_id)
            attempts = (item.attempts if item else 0) + 1
            await uow.webhook_inbox.mark(inbox_id, "failed", code,
                                         self._clock.now() + retry_backoff(attempts))

        await self._tx.run(work)
