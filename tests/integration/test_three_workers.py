"""Three workers on one PostgreSQL share the inbox, the outbox and the platform webhook
deliveries: every item is handled exactly once, and a worker never waits on the rows
another one is holding (`FOR UPDATE SKIP LOCKED`).

Each worker has its own engine (its own connections), as separate processes would.
Every hand-off is slowed a little so the workers really overlap."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.fake.gateway import FakeGateway
from adapters.sql.callback_intake import SqlCallbackIntake
from adapters.sql.engine import create_engine_for
from adapters.sql.outbox import OutboxRelay
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from adapters.sql.webhook_deliveries import SqlDeliveryStore
from adapters.system.clock import FixedClock
from application.platform_webhooks import DeliverPlatformWebhooks, Delivery
from application.ports import InboxItem
from application.use_cases.retry_callbacks import RetryCallbacks
from domain.events import DomainEvent
from domain.gateway_report import GatewayStatus
from tests.support.world import START, World

pytestmark = pytest.mark.integration

WORKERS, ITEMS = 3, 45
OVERLAP_S = 0.01


class CountingGateway(FakeGateway):
    """The fake gateway, counting status calls per paylink (one per processed callback)."""

    def __init__(self, clock: FixedClock) -> None:
        super().__init__(clock)
        self.asked: Counter[str] = Counter()

    async def get_status(self, paylink_id: str) -> Any:
        self.asked[paylink_id] += 1
        await asyncio.sleep(OVERLAP_S)
        return await super().get_status(paylink_id)


class SlowRecorder:
    def __init__(self) -> None:
        self.events: list[DomainEvent] = []
        self.sent: list[str] = []

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        await asyncio.sleep(OVERLAP_S)
        self.events.extend(events)

    async def send(self, url: str, event_id: str, body: bytes) -> int:
        await asyncio.sleep(OVERLAP_S)
        self.sent.append(event_id)
        return 200


@pytest.fixture
async def engines(postgres_url: str, postgres_engine: AsyncEngine
                  ) -> AsyncIterator[list[AsyncEngine]]:
    own = [create_engine_for(postgres_url) for _ in range(WORKERS)]
    yield own
    for engine in own:
        await engine.dispose()


async def until_drained(work: Any) -> int:
    done = 0
    while (n := await work()) > 0:
        done += n
    return done


async def test_three_workers_process_every_waiting_callback_once(postgres_engine, engines):
    clock = FixedClock(START)
    gateway = CountingGateway(clock)
    world = World(clock=clock, uow_factory=SqlUnitOfWorkFactory(postgres_engine),
                  real_gateway=gateway)
    intake = SqlCallbackIntake(postgres_engine)
    paylinks = []
    for n in range(ITEMS):
        payment = await world.checkout(await world.enrollment(f"stu-{n}"), key=f"key-{n:06d}")
        gateway.settle(payment.paylink_id, GatewayStatus.SUCCESS)
        paylinks.append(payment.paylink_id)
        # acknowledged by an instance that died before processing it
        assert await intake.accept(InboxItem(
            id=f"cbk_{n}", dedupe_key=f"d{n}", paylink_id=payment.paylink_id,
            raw_body=b"{}", headers={}, received_at=clock.now()))
    clock.advance(seconds=60)
    workers = [World(clock=clock, uow_factory=SqlUnitOfWorkFactory(e), real_gateway=gateway)
               for e in engines]
    sweeps = [RetryCallbacks(w.tx, w.handle_callback, clock) for w in workers]
    finished = await asyncio.gather(*(until_drained(lambda s=s: s(limit=5)) for s in sweeps))

    assert sum(finished) == ITEMS
    assert all(n > 0 for n in finished), finished  # the work was shared
    assert gateway.asked == Counter({p: 1 for p in paylinks})
    async with SqlUnitOfWorkFactory(postgres_engine)() as uow:
        assert await uow.webhook_inbox.pending(1000) == []


async def test_three_relays_publish_every_event_once(postgres_engine, engines):
    world = World(uow_factory=SqlUnitOfWorkFactory(postgres_engine))
    for n in range(ITEMS):
        await world.enrollment(f"stu-{n}")
    recorders = [SlowRecorder() for _ in engines]
    relays = [OutboxRelay(e, r) for e, r in zip(engines, recorders, strict=True)]
    counts = await asyncio.gather(*(until_drained(lambda r=r: r.relay_once(limit=4))
                                    for r in relays))

    published = Counter((e.name, getattr(e, "entity_id", "")) for r in recorders
                        for e in r.events)
    assert sum(counts) == sum(published.values()) == ITEMS
    assert set(published.values()) == {1}
    assert all(n > 0 for n in counts), counts


async def test_three_senders_deliver_every_webhook_once(postgres_engine, engines):
    clock = FixedClock(START)
    await SqlDeliveryStore(postgres_engine).enqueue([
        Delivery(id=f"evt_{n}-0", event_id=f"evt_{n}", url="https://platform.test/hook",
                 body=b"{}", created_at=START, next_attempt_at=START) for n in range(ITEMS)])
    recorders = [SlowRecorder() for _ in engines]
    senders = [DeliverPlatformWebhooks(SqlDeliveryStore(e), r, clock)
               for e, r in zip(engines, recorders, strict=True)]
    counts = await asyncio.gather(*(until_drained(lambda s=s: s(limit=4)) for s in senders))

    sent = Counter(event for r in recorders for event in r.sent)
    assert sum(counts) == ITEMS and sent == Counter({f"evt_{n}": 1 for n in range(ITEMS)})
    assert all(n > 0 for n in counts), counts


async def test_a_worker_skips_rows_another_is_holding_instead_of_waiting(postgres_engine,
                                                                         engines):
    """One worker's lease is still open (its transaction holds the row locks); a second
    worker's lease returns the other rows at once instead of blocking on those."""
    intake = SqlCallbackIntake(postgres_engine)
    for n in range(6):
        await intake.accept(InboxItem(id=f"cbk_{n}", dedupe_key=f"d{n}", paylink_id=f"pl_{n}",
                                      raw_body=b"{}", headers={}, received_at=START))
    now, until = START + timedelta(minutes=1), START + timedelta(minutes=2)
    first, second = (SqlUnitOfWorkFactory(e)() for e in engines[:2])
    async with first, second:
        held = await first.webhook_inbox.lease(now, now, until, 3)
        # the first transaction is still open: its three rows stay locked meanwhile
        others = await asyncio.wait_for(second.webhook_inbox.lease(now, now, until, 10),
                                        timeout=30)  # a hang guard, not a timing
        await first.commit()
        await second.commit()
    assert len(held) == 3 and len(others) == 3
    assert {i.id for i in held}.isdisjoint({i.id for i in others})
    assert {i.id for i in [*held, *others]} == {f"cbk_{n}" for n in range(6)}
