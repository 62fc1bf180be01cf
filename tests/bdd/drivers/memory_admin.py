"""What admins and operators do on the `memory` stack: refunds, rollback,
reconciliation, statistics and the review list, on the money-back use-cases (a mixin of
MemoryDriver, which provides `world`, `run`, `_try` and the ids it remembers)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from adapters.memory.monitoring import MemoryMonitoringQueries
from application.use_cases.reconcile import ReconcileCommand
from application.use_cases.resolve_review import (
    ResolveReview,
    ResolveReviewCommand,
    ReviewAction,
)
from application.use_cases.review_queue import PaymentsNeedingReview
from application.use_cases.stats import GetStats
from domain.enrollment import Enrollment
from domain.money import Money
from domain.payment import Payment
from domain.refund import Refund
from tests.bdd.drivers.base import RecordLine, Refusal, StatsView, student_sub
from tests.support.money_back import MoneyBackWorld
from tests.support.world import ADMIN, START, student


class MemoryAdminActions:
    world: MoneyBackWorld
    _payments: dict[str, Payment]
    _refunds: dict[str, Refund]
    _latest: dict[str, Enrollment]

    if TYPE_CHECKING:  # provided by the driver this is mixed into
        def run(self, coro: Any) -> Any:
            ...

        def _try(self, coro: Any) -> tuple[Any, Refusal | None]:
            ...

    def refund(self, student_name: str, amount: Money | None, reason: str) -> Refusal | None:
        made, refused = self._try(self.world.refund(
            self._payments[student_name].id, amount.amount_minor if amount else None, reason))
        if made is not None:
            self._refunds[student_name] = made
        return refused

    def refund_status(self, student_name: str) -> str:
        return self.run(self.world.get_refund(ADMIN, self._refunds[student_name].id)).status.value

    def confirm_refund(self, student_name: str, reference: str) -> None:
        self.run(self.world.confirm_refund(ADMIN, self._refunds[student_name].id, reference))

    def revert(self, student_name: str, reason: str) -> Refusal | None:
        _, refused = self._try(self.world.revert_enrollment(
            ADMIN, self._latest[student_name].id, reason))
        return refused

    def revocations(self, student_name: str) -> list[tuple[str, str | None]]:
        enrollment_id = self._latest[student_name].id
        return [(e.actor, e.reason) for e in self.world.store.audit
                if e.entity_id == enrollment_id and e.to_status == "revoked"]

    def reconcile_today(self) -> dict[str, int]:
        today = START.date()
        report = self.run(self.world.reconcile(ReconcileCommand(ADMIN, today, today,
                                                                apply=True)))
        return dict(report.counts)

    def stats_last_day(self) -> StatsView:
        queries = MemoryMonitoringQueries(self.world.store)
        stats = self.run(GetStats(queries, self.world.clock)(ADMIN, timedelta(days=1)))
        return StatsView(stats.success_rate, stats.payments, dict(stats.errors_by_code),
                         dict(stats.errors_by_category))

    def payments_needing_review(self) -> list[tuple[str, str | None]]:
        queries = MemoryMonitoringQueries(self.world.store)
        listed = self.run(PaymentsNeedingReview(queries)(ADMIN))
        return [(p.student_id, p.review_reason) for p in listed]

    def resolve_review(self, student_name: str, action: str, reason: str,
                       by: str | None = None) -> Refusal | None:
        """An operator (or, with `by`, that student) resolves the held payment."""
        world = self.world
        resolve = ResolveReview(world.tx, world.verify_payment,
                                world.apply_report, world.clock)
        actor = ADMIN if by is None else student(student_sub(by))
        _, refused = self._try(resolve(ResolveReviewCommand(
            actor, self._payments[student_name].id, ReviewAction(action), reason)))
        return refused

    def payment_record(self, student_name: str) -> list[RecordLine]:
        payment = self.world.payment_row(self._payments[student_name].id)
        ids = {payment.id, payment.enrollment_id}
        return [RecordLine(e.actor, e.action, e.entity, e.to_status, e.reason)
                for e in self.world.store.audit if e.entity_id in ids]
