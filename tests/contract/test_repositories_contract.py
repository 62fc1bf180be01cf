"""One storage contract, run against memory, SQLite and PostgreSQL.

Every unit of work adapter must behave identically: round trips, lookups, history
pagination, rollback, lost races surfacing as ConcurrentUpdate, inbox dedupe, audit on
commit and idempotency claims.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import timedelta

import pytest

from application.errors import ConcurrentUpdate
from application.ports import (
    AuditEntry,
    IdempotencyOutcome,
    InboxItem,
    PageRequest,
    PaymentFilter,
    StoredResponse,
)
from domain.money import Money
from domain.payment import Payment, PaymentStatus
from domain.refund import Refund
from tests.support.builders import T0, enrollment, own_enrollments, payment, succeeded

pytestmark = [pytest.mark.contract,
              pytest.mark.parametrize("backend", ["memory", "sqlite", "postgres"],
                                      indirect=True)]


def same_state(a: object, b: object) -> None:
    for f in fields(a):  # type: ignore[arg-type]
        if f.name != "events":
            assert getattr(a, f.name) == getattr(b, f.name), f.name


async def store(backend, *entities) -> None:
    async with backend.uow_factory() as uow:
        for e in entities:
            repo = {"Enrollment": uow.enrollments, "Payment": uow.payments,
                    "Refund": uow.refunds}[type(e).__name__]
            await repo.add(e)
        await uow.commit()


async def test_entities_round_trip_with_every_field(backend):
    enr, pay = enrollment(), succeeded()
    pay.reserve_refund(Money(900, "ZAR"))
    pay.complete_refund(Money(900, "ZAR"), at=T0 + timedelta(hours=2), actor="admin:a")
    pay.reserve_refund(Money(100, "ZAR"))
    pay.flag_for_review("amount_mismatch", at=T0 + timedelta(hours=3))
    pay.failure_code = "declined"
    enr.activate(payment_id=pay.id, at=T0, actor="system")
    refund = Refund.request(refund_id="ref_1", payment_id=pay.id, student_id="stu_1",
                            amount=Money(100, "ZAR"), reason="changed mind", at=T0, actor="a")
    refund.succeed(gateway_reference="gw_9", at=T0, actor="admin:a")
    await store(backend, enr, pay, refund)
    async with backend.uow_factory() as uow:
        got_pay, got_enr = await uow.payments.get("pay_1"), await uow.enrollments.get("enr_1")
        got_ref = await uow.refunds.get("ref_1")
    same_state(got_pay, pay)
    same_state(got_enr, enr)
    same_state(got_ref, refund)
    assert got_pay.version == 1 and got_pay.amount == Money(49900, "ZAR")
    assert got_pay.created_at.utcoffset() == timedelta(0) and got_pay.expires_at.tzinfo
    assert (got_pay.reserved_minor, got_pay.refunded_minor) == (100, 900)


async def test_lookups(backend):
    open_one = payment("pay_a", key="key-a" * 4, paylink="pl_a")
    closed = payment("pay_b", at=T0 + timedelta(seconds=1), paylink="pl_b")
    closed.expire(at=T0, actor="system")
    await store(backend, enrollment(), open_one, closed)
    async with backend.uow_factory() as uow:
        assert (await uow.payments.get_by_paylink("pl_b")).id == "pay_b"
        assert await uow.payments.get_by_paylink("nope") is None
        assert (await uow.payments.get_by_idempotency_key("stu_1", "key-a" * 4)).id == "pay_a"
        assert await uow.payments.get_by_idempotency_key("stu_2", "key-a" * 4) is None
        assert [p.id for p in await uow.payments.for_enrollment("enr_1")] == ["pay_a", "pay_b"]
        assert await uow.payments.get("pay_a") is await uow.payments.get_by_paylink("pl_a")


async def test_open_payments_created_before_a_cutoff_oldest_first(backend):
    older = payment("pay_old", "enr_old", at=T0, paylink="pl_old")
    newer = payment("pay_new", "enr_new", at=T0 + timedelta(minutes=5), paylink="pl_new")
    latest = payment("pay_late", "enr_late", at=T0 + timedelta(minutes=30), paylink="pl_late")
    closed = payment("pay_closed", "enr_old", at=T0, paylink="pl_closed")
    closed.expire(at=T0, actor="system")
    await store(backend, *own_enrollments(latest, newer, older), latest, newer, older, closed)
    async with backend.uow_factory() as uow:
        found = await uow.payments.open_created_before(T0 + timedelta(minutes=10), 10)
        assert [p.id for p in found] == ["pay_old", "pay_new"]
        assert [p.id for p in await uow.payments.open_created_before(
            T0 + timedelta(hours=1), 1)] == ["pay_old"]


async def test_history_filters_and_keyset_pagination(backend):
    made = [payment(f"pay_{i}", f"enr_{i}", at=T0 + timedelta(minutes=i // 2)) for i in range(7)]
    made.append(payment("pay_x", eid="enr_x", student="stu_2", at=T0 + timedelta(minutes=9)))
    await store(backend, *own_enrollments(*made))
    made[3].attach_paylink(paylink_id="pl_3", checkout_url="u", expires_at=T0, at=T0, actor="s")
    await store(backend, *made)
    seen, after, pages = [], None, []
    async with backend.uow_factory() as uow:
        while True:
            page = await uow.payments.list(PaymentFilter(), PageRequest(limit=3, after=after))
            seen += [p.id for p in page.items]
            pages.append(page.has_more)
            if not page.has_more:
                break
            after = (page.items[-1].created_at, page.items[-1].id)
        expected = [p.id for p in sorted(made, key=lambda p: (p.created_at, p.id), reverse=True)]
        assert seen == expected and pages == [True, True, False]
        mine = await uow.payments.list(PaymentFilter(student_id="stu_2"), PageRequest())
        assert [p.id for p in mine.items] == ["pay_x"] and not mine.has_more
        pending = await uow.payments.list(PaymentFilter(status=PaymentStatus.PENDING),
                                          PageRequest())
        assert [p.id for p in pending.items] == ["pay_3"]
        window = await uow.payments.list(PaymentFilter(
            student_id="stu_1", created_from=T0 + timedelta(minutes=1),
            created_to=T0 + timedelta(minutes=2)), PageRequest(limit=10))
        assert [p.id for p in window.items] == ["pay_5", "pay_4", "pay_3", "pay_2"]


async def test_nothing_is_kept_without_commit(backend):
    async with backend.uow_factory() as uow:
        await uow.enrollments.add(enrollment())
        await uow.payments.add(payment())
    async with backend.uow_factory() as uow:
        assert await uow.payments.get("pay_1") is None
        assert await uow.enrollments.get("enr_1") is None
        assert await uow.audit.for_entities(["pay_1"]) == []


async def test_two_writers_of_one_payment_conflict(backend):
    await store(backend, enrollment(), payment(paylink="pl_1"))
    async with backend.uow_factory() as first, backend.uow_factory() as second:
        a, b = await first.payments.get("pay_1"), await second.payments.get("pay_1")
        a.flag_for_review("amount_mismatch", at=T0)
        b.expire(at=T0, actor="system")
        await first.commit()
        with pytest.raises(ConcurrentUpdate):
            await second.commit()
    async with backend.uow_factory() as uow:
        stored = await uow.payments.get("pay_1")
        assert (stored.status, stored.review_reason, stored.version) == (
            PaymentStatus.PENDING, "amount_mismatch", 2)


@pytest.mark.parametrize("clash", ["paylink", "idempotency_key"])
async def test_duplicates_are_refused(backend, clash):
    await store(backend, enrollment())
    kwargs = {"paylink": "pl_same"} if clash == "paylink" else {"key": "k" * 16}
    await store(backend, payment("pay_1", **kwargs))
    with pytest.raises(ConcurrentUpdate):
        await store(backend, payment("pay_2", **kwargs))


async def test_refund_ceiling_is_enforced_by_storage(backend):
    await store(backend, enrollment(), succeeded())
    async with backend.uow_factory() as uow:
        p = await uow.payments.get("pay_1")
        p.reserved_minor = p.amount.amount_minor + 1  # bypassing the domain on purpose
        with pytest.raises(ConcurrentUpdate):
            await uow.commit()
    async with backend.uow_factory() as uow:
        assert (await uow.payments.get("pay_1")).reserved_minor == 0


def inbox_item(item_id: str, key: str) -> InboxItem:
    return InboxItem(id=item_id, dedupe_key=key, paylink_id="pl_1", raw_body=b'{"a":1}',
                     headers={"x-sig": "***"}, received_at=T0)


async def test_webhook_inbox_dedupes_marks_and_lists_pending(backend):
    async with backend.uow_factory() as uow:
        assert await uow.webhook_inbox.record(inbox_item("in_1", "d1")) is True
        assert await uow.webhook_inbox.record(inbox_item("in_2", "d1")) is False
        assert await uow.webhook_inbox.record(inbox_item("in_3", "d3")) is True
        await uow.commit()
    async with backend.uow_factory() as uow, backend.uow_factory() as racer:
        assert await uow.webhook_inbox.record(inbox_item("in_4", "d1")) is False
        assert (await uow.webhook_inbox.by_dedupe_key("d1")).id == "in_1"
        await uow.webhook_inbox.mark("in_1", "processed")
        await uow.webhook_inbox.mark("in_3", "failed", "boom")
        assert await racer.webhook_inbox.record(inbox_item("in_5", "d5")) is True
        assert await uow.webhook_inbox.record(inbox_item("in_6", "d5")) is True
        await racer.commit()
        with pytest.raises(ConcurrentUpdate):
            await uow.commit()
    async with backend.uow_factory() as uow:
        await uow.webhook_inbox.mark("in_1", "processed")
        await uow.webhook_inbox.mark("in_3", "failed", "boom")
        await uow.commit()
    async with backend.uow_factory() as uow:
        assert (await uow.webhook_inbox.get("in_1")).headers == {"x-sig": "***"}
        pending = await uow.webhook_inbox.pending(10)
        assert [(i.id, i.status, i.attempts, i.last_error) for i in pending] == [
            ("in_3", "failed", 1, "boom"), ("in_5", "received", 0, None)]


async def test_audit_entries_are_written_on_commit(backend):
    note = AuditEntry(at=T0, actor="admin:a", entity="payment", entity_id="pay_1",
                      action="Note", from_status=None, to_status=None, reason="checked")
    async with backend.uow_factory() as uow:
        await uow.enrollments.add(enrollment())
        await uow.payments.add(succeeded())
        await uow.audit.append(note)
        events = await uow.commit()
    assert [e.name for e in events] == ["EnrollmentCreated", "PaymentCreated",
                                        "PaymentStarted", "PaymentSucceeded"]
    async with backend.uow_factory() as uow:
        trail = await uow.audit.for_entities(["pay_1", "enr_1"])
    assert trail[0] == note
    assert sorted(e.action for e in trail[1:]) == sorted(e.name for e in events)
    assert {(e.to_status, e.entity_id) for e in trail[1:]} >= {("succeeded", "pay_1")}


async def test_idempotency_claims(backend):
    store_ = backend.idempotency
    claim = store_.claim
    assert (await claim("u1:/pay", "key1", "fp", T0, 30)).outcome is IdempotencyOutcome.STARTED
    assert (await claim("u1:/pay", "key1", "fp", T0, 30)).outcome is IdempotencyOutcome.IN_PROGRESS
    assert (await claim("u1:/pay", "key1", "other", T0, 30)).outcome is IdempotencyOutcome.MISMATCH
    assert (await claim("u2:/pay", "key1", "fp2", T0, 30)).outcome is IdempotencyOutcome.STARTED
    later = T0 + timedelta(seconds=31)
    assert (await claim("u1:/pay", "key1", "fp", later, 30)).outcome is IdempotencyOutcome.STARTED
    assert (await claim("u1:/pay", "key1", "fp", later, 30)).outcome is IdempotencyOutcome.IN_PROGRESS
    response = StoredResponse(201, b'{"id":"pay_1"}', "application/json")
    await store_.complete("u1:/pay", "key1", response, later)
    replay = await claim("u1:/pay", "key1", "fp", later + timedelta(hours=1), 30)
    assert (replay.outcome, replay.response) == (IdempotencyOutcome.REPLAY, response)
    await store_.release("u1:/pay", "key1")  # completed: kept
    assert (await claim("u1:/pay", "key1", "fp", later, 30)).outcome is IdempotencyOutcome.REPLAY
    await store_.release("u2:/pay", "key1")  # unfinished: forgotten
    assert (await claim("u2:/pay", "key1", "new", T0, 30)).outcome is IdempotencyOutcome.STARTED
    next_day = T0 + timedelta(hours=25)
    assert (await claim("u1:/pay", "key1", "fp9", next_day, 30)).outcome is IdempotencyOutcome.STARTED
    assert await store_.reap(older_than=T0 + timedelta(hours=1)) == 1  # u2's claim from T0
    assert (await claim("u2:/pay", "key1", "x", next_day, 30)).outcome is IdempotencyOutcome.STARTED


async def test_one_holding_enrollment_per_student_and_course(backend):
    await store(backend, enrollment("enr_1", course="python-101"))
    with pytest.raises(ConcurrentUpdate):
        await store(backend, enrollment("enr_2", course="python-101"))
    other_course = enrollment("enr_3", course="python-102")
    await store(backend, other_course, enrollment("enr_4", student="stu_2", course="python-101"))
    async with backend.uow_factory() as uow:
        assert (await uow.enrollments.holding("stu_1", "python-101")).id == "enr_1"
        assert (await uow.enrollments.holding("stu_2", "python-101")).id == "enr_4"
        assert await uow.enrollments.holding("stu_1", "nothing") is None


async def test_one_open_payment_per_enrollment_and_one_per_checkout_slot(backend):
    await store(backend, enrollment(), enrollment("enr_2"))
    await store(backend, payment("pay_1", paylink="pl_1"))
    with pytest.raises(ConcurrentUpdate):
        await store(backend, payment("pay_2", paylink="pl_2"))
    closed = payment("pay_3", at=T0 + timedelta(seconds=1), paylink="pl_3")
    closed.expire(at=T0, actor="system")
    await store(backend, closed)  # a closed one does not count
    async with backend.uow_factory() as uow:
        assert [p.id for p in await uow.payments.for_enrollment("enr_1")] == ["pay_1", "pay_3"]
    first = Payment.create(payment_id="pay_s1", enrollment_id="enr_2", student_id="stu_1",
                           amount=Money(100, "ZAR"), at=T0, actor="s", open_slot=1)
    async with backend.uow_factory() as uow:
        (await uow.payments.get("pay_1")).open_slot = 1
        await uow.payments.add(first)
        with pytest.raises(ConcurrentUpdate):
            await uow.commit()


async def test_payments_due_for_a_fast_recheck_and_refunds_cut_off(backend):
    due = payment("pay_due", "enr_due", paylink="pl_due")
    due.recheck_soon(at=T0)
    later = payment("pay_later", "enr_later", paylink="pl_later")
    later.recheck_soon(at=T0 + timedelta(minutes=5))
    paid = succeeded("pay_paid", "enr_paid")
    paid.reserve_refund(Money(100, "ZAR"))
    stuck = Refund.request(refund_id="ref_1", payment_id="pay_paid", student_id="stu_1",
                           amount=Money(100, "ZAR"), reason="r", at=T0, actor="a")
    await store(backend, *own_enrollments(due, later, paid), due, later, paid, stuck)
    async with backend.uow_factory() as uow:
        found = await uow.payments.due_for_recheck(T0 + timedelta(seconds=5), 10)
        assert [p.id for p in found] == ["pay_due"]
        assert [r.id for r in await uow.refunds.pending_before(T0, 10)] == ["ref_1"]
        assert await uow.refunds.pending_before(T0 - timedelta(seconds=1), 10) == []
