"""Races on real engines: duplicates become impossible, not merely unlikely.

Fifty tasks apply the same SUCCESS report at once; twenty reserve refunds whose sum
exceeds the capture. The outcome must be exactly one activation and never a reserved
total above the amount, on SQLite (single writer) and PostgreSQL (row locks).
"""

from __future__ import annotations

import asyncio

import pytest

from adapters.notify.logging_notifier import RecordingNotifier
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from adapters.system.clock import FixedClock
from application.errors import ConcurrentUpdate
from application.transaction import Transactions
from application.use_cases.apply_gateway_report import ApplyGatewayReport
from domain.errors import DomainError
from domain.money import Money
from domain.payment import PaymentStatus
from tests.support.builders import T0, enrollment, payment, succeeded, success_report

pytestmark = [pytest.mark.integration,
              pytest.mark.parametrize("sql_engine", ["sqlite", "postgres"], indirect=True)]


async def seed(factory: SqlUnitOfWorkFactory, *entities) -> None:
    async with factory() as uow:
        await uow.enrollments.add(entities[0])
        await uow.payments.add(entities[1])
        await uow.commit()


async def test_fifty_identical_success_reports_activate_once(sql_engine):
    factory = SqlUnitOfWorkFactory(sql_engine)
    pending = payment(paylink="pl_1")
    await seed(factory, enrollment(), pending)
    notifier, clock = RecordingNotifier(), FixedClock(T0)
    apply_report = ApplyGatewayReport(Transactions(factory, notifier), clock)
    report = success_report(pending)

    results = await asyncio.gather(*(apply_report("pay_1", report, "gateway")
                                     for _ in range(50)), return_exceptions=True)

    assert [r for r in results if isinstance(r, BaseException)] == []
    assert notifier.names().count("EnrollmentActivated") == 1
    assert notifier.names().count("PaymentSucceeded") == 1
    async with factory() as uow:
        trail = await uow.audit.for_entities(["pay_1", "enr_1"])
        stored, enr = await uow.payments.get("pay_1"), await uow.enrollments.get("enr_1")
    assert [e.action for e in trail].count("PaymentSucceeded") == 1
    assert [e.action for e in trail].count("EnrollmentActivated") == 1
    assert stored.status is PaymentStatus.SUCCEEDED and enr.payment_id == "pay_1"


async def test_concurrent_refund_reservations_never_exceed_the_capture(sql_engine):
    factory = SqlUnitOfWorkFactory(sql_engine)
    await seed(factory, enrollment(), succeeded(amount=10_000))
    tx = Transactions(factory, RecordingNotifier())
    granted: list[int] = []

    async def reserve(amount: int) -> None:
        async def work(uow) -> None:
            p = await uow.payments.get("pay_1")
            p.reserve_refund(Money(amount, "ZAR"))
        try:
            await tx.run(work)
            granted.append(amount)
        except (DomainError, ConcurrentUpdate):
            pass

    amounts = [700 + 50 * i for i in range(20)]  # 23,500 asked of 10,000 captured
    await asyncio.gather(*(reserve(a) for a in amounts))

    async with factory() as uow:
        stored = await uow.payments.get("pay_1")
    assert stored.reserved_minor == sum(granted)
    assert 0 < stored.reserved_minor <= 10_000


async def test_fifty_callbacks_and_verifies_at_once_activate_once(sql_engine):
    from application.actor import Actor, Role
    from domain.gateway_report import GatewayStatus
    from tests.support.world import World

    world = World(uow_factory=SqlUnitOfWorkFactory(sql_engine))
    enrolled = await world.enrollment(student_id="stu-9")
    started = await world.checkout(enrolled)
    world.gateway.settle(started.paylink_id, GatewayStatus.SUCCESS)
    body, headers = world.gateway.signed_callback(started.paylink_id)
    student = Actor("stu-9", Role.STUDENT)

    results = await asyncio.gather(
        *(world.handle_callback(headers, body) for _ in range(50)),
        *(world.verify_payment(student, started.id) for _ in range(50)),
        return_exceptions=True)

    assert [r for r in results if isinstance(r, BaseException)] == []
    receipts = results[:50]
    assert sum(not r.duplicate for r in receipts) == 1
    assert world.notifier.names().count("EnrollmentActivated") == 1
    async with SqlUnitOfWorkFactory(sql_engine)() as uow:
        trail = await uow.audit.for_entities([started.id, enrolled.id])
        inbox = await uow.webhook_inbox.by_dedupe_key(
            world.gateway.verify_callback("/webhooks/ikhokha", headers, body).dedupe_key)
    assert [(e.entity, e.to_status) for e in trail].count(("payment", "succeeded")) == 1
    assert [(e.entity, e.to_status) for e in trail].count(("enrollment", "active")) == 1
    assert inbox is not None and inbox.status == "processed"
