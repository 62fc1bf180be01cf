"""Compare our payments with the gateway's history for a period; optionally repair.

Both sides are streamed one day at a time (see application/reconciliation/matcher.py).
With `apply`, a payment the gateway knows more about goes through ApplyGatewayReport —
the very path a callback takes — so a missed callback is repaired with the same checks
(a disagreeing amount is flagged for review and never fulfilled).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial

from application.actor import Actor, Role
from application.errors import InvalidInput
from application.ports import Clock, IdGenerator, PaymentGateway, ReconciliationReports, UnitOfWork
from application.reconciliation.matcher import Finding, OurPayment, match_days
from application.reconciliation.report import ReconciliationReport
from application.transaction import Transactions
from application.use_cases.apply_gateway_report import ApplyGatewayReport
from domain.gateway_report import GatewayReport
from domain.payment import OPEN, Payment

MAX_DAYS = 366
BATCH = 500


EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)  # payments exist in between


def check_period(start: date, end: date) -> None:
    if not (EARLIEST <= start and end <= LATEST):
        raise InvalidInput(f"dates must lie between {EARLIEST} and {LATEST}",
                           "invalid_date_range")
    if start > end:
        raise InvalidInput("from must be on or before to", "invalid_date_range")
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput(f"a period covers at most {MAX_DAYS} days", "invalid_date_range")


@dataclass(frozen=True, slots=True)
class ReconcileCommand:
    actor: Actor
    start: date
    end: date
    apply: bool = False


class Reconcile:
    def __init__(self, tx: Transactions, gateway: PaymentGateway, apply_report: ApplyGatewayReport,
                 reports: ReconciliationReports, clock: Clock, ids: IdGenerator,
                 batch: int = BATCH) -> None:
        self._tx, self._gateway, self._apply = tx, gateway, apply_report
        self._reports, self._clock, self._ids, self._batch = reports, clock, ids, batch

    async def __call__(self, cmd: ReconcileCommand) -> ReconciliationReport:
        cmd.actor.require(Role.ADMIN)
        check_period(cmd.start, cmd.end)
        report = ReconciliationReport(id=self._ids.new_id("rec"), created_at=self._clock.now(),
                                      actor=cmd.actor.label, period_from=cmd.start,
                                      period_to=cmd.end, applied=cmd.apply)
        days = [cmd.start + timedelta(days=i)
                for i in range(-1, (cmd.end - cmd.start).days + 2)]
        findings = match_days(days, self._ours_on, self._theirs_on,
                              lambda d: cmd.start <= d <= cmd.end)
        async for finding in findings:
            report.count(finding.category, _example(finding))
            if cmd.apply and _repairable(finding):
                await self._repair(finding, cmd.actor, report)
        await self._reports.add(report)
        return report

    def _theirs_on(self, day: date) -> AsyncIterator[GatewayReport]:
        return self._gateway.history(day, day)

    async def _ours_on(self, day: date) -> AsyncIterator[OurPayment]:
        start = datetime.combine(day, time.min, tzinfo=UTC)
        end, after = start + timedelta(days=1), None
        while True:
            batch = await self._tx.run(partial(self._batch_of, start, end, after))
            for p in batch:
                if p.paylink_id is not None:  # never reached the gateway: nothing to match
                    yield OurPayment(p.id, p.paylink_id, p.status, p.amount, day)
            if len(batch) < self._batch:
                return
            after = (batch[-1].created_at, batch[-1].id)

    async def _batch_of(self, start: datetime, end: datetime,
                        after: tuple[datetime, str] | None, uow: UnitOfWork) -> list[Payment]:
        return list(await uow.payments.created_between(start, end, after=after,
                                                       limit=self._batch))

    async def _repair(self, finding: Finding, actor: Actor,
                      report: ReconciliationReport) -> None:
        assert finding.ours is not None and finding.theirs is not None
        before = finding.ours
        after = await self._apply(before.payment_id, finding.theirs,
                                  f"reconciliation:{actor.sub}")
        if after.status is not before.status:
            report.note_repaired(after.id)
        if after.review_reason is not None:
            report.note_flagged(after.id)


def _example(finding: Finding) -> str:
    if finding.ours is not None:
        return finding.ours.payment_id
    assert finding.theirs is not None
    return finding.theirs.paylink_id


def _repairable(finding: Finding) -> bool:
    """Open payments the gateway settled; disagreeing facts (flagged, never fulfilled)."""
    if finding.ours is None or finding.theirs is None:
        return False
    if finding.category in ("amount_mismatch", "reference_mismatch"):
        return True
    return (finding.category == "status_mismatch" and finding.ours.status in OPEN
            and finding.theirs.status.is_final)
