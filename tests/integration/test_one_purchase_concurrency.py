"""One purchase per course, one paylink per checkout: under concurrency, on real engines.

A double click, two tabs or a retrying client send several requests at once with
*different* idempotency keys. The database (partial unique indexes) decides: twenty
enrollment attempts give one enrollment, twenty checkouts give one payment and one
paylink at the gateway, and six checkouts of six courses under a cap of two open ones
give two, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio

import pytest

from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from application.checkout_urls import CheckoutUrls
from application.errors import AlreadyEnrolled, ConcurrentUpdate
from application.use_cases.enrollments import CreateEnrollmentCommand
from application.use_cases.start_payment import StartPayment, StartPaymentCommand
from domain.classification import ClassifiedFailure
from domain.money import Money
from tests.support.builders import enrollment, payment
from tests.support.world import SERVICE, World, student

pytestmark = [pytest.mark.integration,
              pytest.mark.parametrize("sql_engine", ["sqlite", "postgres"], indirect=True)]
N = 20


async def test_twenty_concurrent_enrollments_give_one(sql_engine):
    world = World(uow_factory=SqlUnitOfWorkFactory(sql_engine))
    command = CreateEnrollmentCommand(SERVICE, "stu-7", "python-101", Money(49900, "ZAR"))

    results = await asyncio.gather(*(world.create_enrollment(command) for _ in range(N)),
                                   return_exceptions=True)

    created = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, AlreadyEnrolled)]
    assert len(created) == 1 and len(refused) == N - 1
    assert {r.extra["enrollment_id"] for r in refused} == {created[0].id}
    assert world.notifier.names().count("EnrollmentCreated") == 1


async def test_twenty_concurrent_checkouts_with_different_keys_give_one_paylink(sql_engine):
    world = World(uow_factory=SqlUnitOfWorkFactory(sql_engine))
    enrolled = await world.enrollment(student_id="stu-8")
    buyer = student("stu-8")

    results = await asyncio.gather(*(world.start_payment(StartPaymentCommand(
        buyer, enrolled.id, f"double-click-key-{i:04d}")) for i in range(N)),
        return_exceptions=True)

    assert [r for r in results if isinstance(r, BaseException)] == []
    assert len({r.id for r in results}) == 1
    assert len({r.checkout_url for r in results}) == 1 and results[0].checkout_url
    assert world.gateway.calls.count("create_paylink") == 1
    assert len(world.gateway.paylinks) == 1
    assert world.notifier.names().count("PaymentCreated") == 1


async def test_the_database_refuses_a_second_open_payment_for_one_enrollment(sql_engine):
    factory = SqlUnitOfWorkFactory(sql_engine)
    async with factory() as uow:
        await uow.enrollments.add(enrollment())
        await uow.payments.add(payment("pay_1", paylink="pl_1", key="k" * 16))
        await uow.commit()
    async with factory() as uow:
        await uow.payments.add(payment("pay_2", paylink="pl_2", key="q" * 16))
        with pytest.raises(ConcurrentUpdate):
            await uow.commit()


async def test_the_open_checkout_cap_holds_under_concurrency(sql_engine):
    world = World(uow_factory=SqlUnitOfWorkFactory(sql_engine))
    capped = StartPayment(world.tx, world.gateway, world.clock, world.ids,
                          CheckoutUrls("https://pay.example.test"), max_open_checkouts=2)
    enrollments = [await world.enrollment(student_id="stu-cap") for _ in range(6)]

    results = await asyncio.gather(*(capped(StartPaymentCommand(
        student("stu-cap"), e.id, f"cap-key-{i:012d}")) for i, e in enumerate(enrollments)),
        return_exceptions=True)

    opened = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, ClassifiedFailure)]
    assert len(opened) == 2 and len(refused) == 4, results
    assert {r.code for r in refused} == {"too_many_open_checkouts"}
    assert sorted(p.open_slot for p in opened) == [1, 2]
