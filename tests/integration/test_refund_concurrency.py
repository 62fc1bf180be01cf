"""Twenty refund requests on one payment at once, through the refund use-case, on SQLite
(single writer) and PostgreSQL (row locks): never more refunded than was captured."""

from __future__ import annotations

import asyncio

import pytest

from adapters.fake.gateway import FakeGateway
from adapters.notify.logging_notifier import RecordingNotifier
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from adapters.system.clock import FixedClock, RandomIds
from application.transaction import Transactions
from application.use_cases.request_refund import RequestRefund, RequestRefundCommand
from domain.classification import classify
from domain.enrollment import EnrollmentStatus
from domain.payment import PaymentStatus
from domain.refund import RefundStatus
from tests.support.builders import T0, enrollment, succeeded
from tests.support.world import ADMIN

pytestmark = [pytest.mark.integration,
              pytest.mark.parametrize("sql_engine", ["sqlite", "postgres"], indirect=True)]


async def seed_paid(engine, amount: int):  # type: ignore[no-untyped-def]
    """A paid payment whose course is unlocked, stored: (factory, enrollment, payment)."""
    factory = SqlUnitOfWorkFactory(engine)
    enr, paid = enrollment(), succeeded(amount=amount)
    enr.activate(payment_id=paid.id, at=T0, actor="system")
    async with factory() as uow:
        await uow.enrollments.add(enr)
        await uow.payments.add(paid)
        await uow.commit()
    return factory, enr, paid


@pytest.mark.parametrize("can_refund", [True, False], ids=["by_api", "manual"])
async def test_twenty_concurrent_refunds_never_exceed_the_capture(sql_engine, can_refund):
    factory, enr, paid = await seed_paid(sql_engine, 10_000)
    clock = FixedClock(T0)
    gateway = FakeGateway(clock, can_refund=can_refund)
    refund = RequestRefund(Transactions(factory, RecordingNotifier()), gateway, clock,
                           RandomIds())
    amounts = [700 + 50 * i for i in range(20)]  # 23,500 asked of 10,000 captured

    results = await asyncio.gather(*(refund(RequestRefundCommand(
        ADMIN, paid.id, f"request {i}", amount, f"concurrent-refund-{i:04d}"))
        for i, amount in enumerate(amounts)), return_exceptions=True)

    refused = [classify(r).code for r in results if isinstance(r, BaseException)]
    assert set(refused) <= {"refund_exceeds_captured", "concurrent_update"}
    granted = [r for r in results if not isinstance(r, BaseException)]
    async with factory() as uow:
        stored = await uow.payments.get(paid.id)
        refunds = await uow.refunds.for_payment(paid.id)
        enr_after = await uow.enrollments.get(enr.id)
    assert sorted(r.id for r in refunds) == sorted(r.id for r in granted)
    counted = sum(r.amount.amount_minor for r in refunds if r.status is RefundStatus.SUCCEEDED)
    held = sum(r.amount.amount_minor for r in refunds if r.in_flight)
    assert stored.refunded_minor == counted and stored.reserved_minor == held
    assert 0 < counted + held <= 10_000
    if can_refund:
        assert held == 0 and len(gateway.refunds) == len(granted)
        assert sum(a.amount_minor for _, a, _ in gateway.refunds) == counted
        full = counted == 10_000
        assert (stored.status is PaymentStatus.REFUNDED) is full
        assert (enr_after.status is EnrollmentStatus.REVOKED) is full
    else:
        assert counted == 0 and stored.status is PaymentStatus.SUCCEEDED
        assert all(r.status is RefundStatus.MANUAL_ACTION_REQUIRED for r in refunds)


@pytest.mark.parametrize("can_refund", [True, False], ids=["by_api", "manual"])
async def test_forty_parallel_refunds_queue_instead_of_conflicting(sql_engine, can_refund):
    """40 refunds of 5,000 against 49,900: nine are granted, the rest are refused as
    exceeding the capture (422), and none answers `concurrent_update` (409)."""
    factory, _, paid = await seed_paid(sql_engine, 49_900)
    clock = FixedClock(T0)
    refund = RequestRefund(Transactions(factory, RecordingNotifier()),
                           FakeGateway(clock, can_refund=can_refund), clock, RandomIds())

    results = await asyncio.gather(*(refund(RequestRefundCommand(
        ADMIN, paid.id, f"request {i}", 5_000, f"forty-refunds-{i:04d}"))
        for i in range(40)), return_exceptions=True)

    refused = [classify(r) for r in results if isinstance(r, BaseException)]
    granted = [r for r in results if not isinstance(r, BaseException)]
    assert len(granted) == 9 and len(refused) == 31
    assert {(c.code, c.http_status) for c in refused} == {("refund_exceeds_captured", 422)}
    wanted = RefundStatus.SUCCEEDED if can_refund else RefundStatus.MANUAL_ACTION_REQUIRED
    assert {r.status for r in granted} == {wanted}
