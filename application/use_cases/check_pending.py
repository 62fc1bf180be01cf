"""The background checker: a missed callback must not leave a paid student locked out.

Open payments older than `min_age` are re-verified with the gateway's status call on a
growing schedule (1, 2, 4, ... minutes, capped), through the same path as a callback.
Payments past their paylink's lifetime that the gateway does not report paid are
expired. The schedule lives in this process: after a restart every open payment is
simply checked once more, which is harmless.

A fast lane runs first: payments whose gateway lagged behind a final callback (or
answered SUCCESS without an amount) carry `recheck_at` in the database, so whichever
instance runs the checker asks again after 5, 15 and 45 seconds, whatever their age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from application.paylink_issuer import DEFAULT_PAYLINK_LIFETIME
from application.ports import Clock, PaymentGateway, UnitOfWork
from application.transaction import Transactions
from application.use_cases.apply_gateway_report import ApplyGatewayReport
from application.use_cases.verify_payment import VerifyPayment
from domain.payment import Payment

CHECKER = "system:checker"


@dataclass(frozen=True, slots=True)
class CheckerPolicy:
    min_age: timedelta = timedelta(minutes=2)
    first_interval: timedelta = timedelta(minutes=1)
    max_interval: timedelta = timedelta(hours=1)
    batch: int = 500

    def interval(self, attempts: int) -> timedelta:
        grown: timedelta = self.first_interval * (2 ** min(attempts, 20))
        return min(grown, self.max_interval)


@dataclass
class CheckRun:
    checked: int = 0
    changed: int = 0
    expired: int = 0
    failed: int = 0


class CheckPendingPayments:
    def __init__(self, tx: Transactions, gateway: PaymentGateway, verify: VerifyPayment,
                 apply_report: ApplyGatewayReport, clock: Clock,
                 policy: CheckerPolicy | None = None) -> None:
        self._tx, self._gateway, self._verify, self._clock = tx, gateway, verify, clock
        self._apply = apply_report
        self._policy = policy or CheckerPolicy()
        self._schedule: dict[str, tuple[int, datetime]] = {}

    async def __call__(self) -> CheckRun:
        """Check up to `batch` due payments, oldest first. Open payments not yet due are
        paged past, never counted: a batch of abandoned checkouts must not hide newer
        payments whose callback was lost."""
        now, run = self._clock.now(), CheckRun()
        await self._fast_lane(now, run)
        cutoff, after = now - self._policy.min_age, None
        schedule: dict[str, tuple[int, datetime]] = {}
        while run.checked < self._policy.batch:
            page = await self._tx.run(partial(self._page, cutoff, after))
            for payment in page:
                attempts, due = self._schedule.get(payment.id, (0, now))
                schedule[payment.id] = attempts, due
                if due > now or payment.review_reason is not None \
                        or run.checked >= self._policy.batch:
                    continue
                run.checked += 1
                await self._check(payment, now, run)
                schedule[payment.id] = (attempts + 1, now + self._policy.interval(attempts))
            if len(page) < self._policy.batch:
                break
            after = (page[-1].created_at, page[-1].id)
        else:
            schedule = {**self._schedule, **schedule}  # stopped early: keep the rest's
        self._schedule = schedule
        return run

    async def _fast_lane(self, now: datetime, run: CheckRun) -> None:
        due = await self._tx.run(lambda uow: uow.payments.due_for_recheck(
            now, self._policy.batch))
        for payment in due:
            if payment.paylink_id is None:  # pragma: no cover - only callbacks set a recheck
                continue
            run.checked += 1
            try:
                report = await self._verify.gateway_status(payment.paylink_id)
            except Exception:  # noqa: BLE001 - an outage only delays; the lane keeps it
                run.failed += 1
                continue
            if report is not None and report.status.is_final:
                after = await self._apply(payment.id, report, CHECKER)
                run.changed += after.status is not payment.status
            else:
                await self._apply.recheck_soon(payment.id)

    async def _page(self, cutoff: datetime, after: tuple[datetime, str] | None,
                    uow: UnitOfWork) -> list[Payment]:
        return await uow.payments.open_created_before(cutoff, self._policy.batch, after)

    async def _check(self, payment: Payment, now: datetime, run: CheckRun) -> None:
        if payment.paylink_id is None:  # the gateway never issued a link: nothing to pay
            if now >= payment.created_at + DEFAULT_PAYLINK_LIFETIME:
                run.expired += await self._expire(payment.id)
            return
        try:
            report = await self._gateway.get_status(payment.paylink_id)
        except Exception:  # noqa: BLE001 - a gateway outage only delays the next check
            run.failed += 1
            return
        if report is not None and report.status.is_final:
            after = await self._apply(payment.id, report, CHECKER)
            run.changed += after.status is not payment.status
        elif payment.expires_at is not None and now >= payment.expires_at:
            run.expired += await self._expire(payment.id)

    async def _expire(self, payment_id: str) -> int:
        async def work(uow: UnitOfWork) -> int:
            current = await uow.payments.get(payment_id)
            if current is None or not current.is_open or current.review_reason is not None:
                return 0
            return int(current.expire(at=self._clock.now(), actor=CHECKER))

        return await self._tx.run(work)
