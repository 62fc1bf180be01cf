"""The outbox: events are stored with the change that recorded them and relayed at
least once, in order, rebuilt as the very domain events that were recorded."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy import func, select

from adapters.notify.logging_notifier import RecordingNotifier
from adapters.sql.outbox import OutboxRelay
from adapters.sql.record_tables import OutboxRow
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from application.errors import ConcurrentUpdate
from domain.events import DomainEvent
from tests.support.builders import enrollment, succeeded

pytestmark = [pytest.mark.integration,
              pytest.mark.parametrize("sql_engine", ["sqlite", "postgres"], indirect=True)]


class CrashingNotifier(RecordingNotifier):
    """Publishes, then dies before the relay can mark anything relayed."""

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        await super().publish(events)
        raise RuntimeError("process died")


async def outbox_count(engine, unrelayed_only: bool = False) -> int:
    statement = select(func.count()).select_from(OutboxRow)
    if unrelayed_only:
        statement = statement.where(OutboxRow.relayed_at.is_(None))  # type: ignore[union-attr]
    async with engine.connect() as conn:
        return (await conn.execute(statement)).scalar_one()


async def commit_payment(factory) -> list[DomainEvent]:
    async with factory() as uow:
        await uow.enrollments.add(enrollment())
        await uow.payments.add(succeeded())
        return await uow.commit()


async def test_events_are_written_in_the_same_transaction(sql_engine):
    factory = SqlUnitOfWorkFactory(sql_engine)
    async with factory() as uow:
        await uow.enrollments.add(enrollment())
        await uow.payments.add(succeeded())
    assert await outbox_count(sql_engine) == 0  # rolled back: no events either
    events = await commit_payment(factory)
    assert await outbox_count(sql_engine) == len(events) == 4
    with pytest.raises(ConcurrentUpdate):
        await commit_payment(factory)  # a lost race leaves no stray events
    assert await outbox_count(sql_engine) == 4


async def test_relay_publishes_each_event_once_in_order(sql_engine):
    events = await commit_payment(SqlUnitOfWorkFactory(sql_engine))
    notifier = RecordingNotifier()
    relay = OutboxRelay(sql_engine, notifier)
    assert await relay.relay_once(limit=3) == 3
    assert await relay.relay_once(limit=3) == 1
    assert await relay.relay_once() == 0
    assert notifier.sent == events
    assert await outbox_count(sql_engine, unrelayed_only=True) == 0


async def test_a_crash_before_marking_publishes_again(sql_engine):
    events = await commit_payment(SqlUnitOfWorkFactory(sql_engine))
    crashing = CrashingNotifier()
    with pytest.raises(RuntimeError):
        await OutboxRelay(sql_engine, crashing).relay_once()
    assert crashing.sent == events
    assert await outbox_count(sql_engine, unrelayed_only=True) == len(events)
    again = RecordingNotifier()
    assert await OutboxRelay(sql_engine, again).relay_once() == len(events)
    assert again.sent == events

