"""Storage contract for reconciliation: payments of a period in bounded keyset batches,
and stored reports, identical on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from adapters.memory.reconciliation_reports import MemoryReconciliationReports
from adapters.sql.reconciliation_reports import SqlReconciliationReports
from application.reconciliation.report import ReconciliationReport
from tests.support.builders import T0, enrollment, own_enrollments, payment

pytestmark = [pytest.mark.contract,
              pytest.mark.parametrize("backend", ["memory", "sqlite", "postgres"],
                                      indirect=True)]


async def test_payments_of_a_period_come_oldest_first_in_keyset_batches(backend):
    made = [payment(f"pay_{i:02d}", f"enr_{i:02d}", at=T0 + timedelta(hours=i // 2))
            for i in range(9)]
    outside = [payment("pay_before", "enr_before", at=T0 - timedelta(seconds=1)),
               payment("pay_after", "enr_after", at=T0 + timedelta(days=1))]
    async with backend.uow_factory() as uow:
        for e in own_enrollments(*made, *outside):
            await uow.enrollments.add(e)
        for p in [*made, *outside]:
            await uow.payments.add(p)
        await uow.commit()
    start, end = T0, T0 + timedelta(days=1)
    seen, after = [], None
    while True:
        async with backend.uow_factory() as uow:
            batch = await uow.payments.created_between(start, end, after=after, limit=4)
        assert len(batch) <= 4
        seen += [p.id for p in batch]
        if len(batch) < 4:
            break
        after = (batch[-1].created_at, batch[-1].id)
    assert seen == [p.id for p in made]


async def test_a_unit_of_works_own_new_payment_is_in_its_period(backend):
    async with backend.uow_factory() as uow:
        await uow.enrollments.add(enrollment())
        await uow.payments.add(payment("pay_new"))
        found = await uow.payments.created_between(T0, T0 + timedelta(hours=1), after=None,
                                                   limit=10)
    assert [p.id for p in found] == ["pay_new"]


def _report(rid: str, minutes: int) -> ReconciliationReport:
    report = ReconciliationReport(id=rid, created_at=T0 + timedelta(minutes=minutes),
                                  actor="admin:a", period_from=date(2026, 3, 1),
                                  period_to=date(2026, 3, 2), applied=minutes % 2 == 0)
    report.count("matched", "pay_1")
    report.count("unknown_to_us", "pl_9")
    report.note_repaired("pay_2")
    return report


async def test_reports_round_trip_and_list_newest_first(backend):
    store = (MemoryReconciliationReports() if backend.engine is None
             else SqlReconciliationReports(backend.engine))
    for i in range(5):
        await store.add(_report(f"rec_{i}", i))
    got = await store.get("rec_3")
    assert got is not None and got.counts == _report("rec_3", 3).counts
    assert got.examples["unknown_to_us"] == ["pl_9"] and got.repaired == ["pay_2"]
    assert got.period_from == date(2026, 3, 1) and got.created_at == T0 + timedelta(minutes=3)
    assert await store.get("rec_missing") is None
    first = await store.newest(2)
    assert [r.id for r in first] == ["rec_4", "rec_3"]
    rest = await store.newest(10, before=(first[-1].created_at, first[-1].id))
    assert [r.id for r in rest] == ["rec_2", "rec_1", "rec_0"]
