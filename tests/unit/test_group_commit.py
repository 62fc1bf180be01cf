"""Group commit (adapters/sql/group_commit.py), on a recording fake of the
one-statement store: callbacks arriving together share a statement, each
caller gets its own answer, a bad row fails alone and an outage fails its batch."""

from __future__ import annotations

import asyncio

import pytest

from adapters.sql.group_commit import GroupCommit

pytestmark = pytest.mark.unit


class RecordingStore:
    """A table with a unique dedupe key; records every statement it was given."""

    def __init__(self, refuse: str | None = None, outage: bool = False) -> None:
        self.keys: set[str] = set()
        self.statements: list[list[tuple[str, str]]] = []
        self.in_flight = self.most_in_flight = 0
        self.refuse, self.outage = refuse, outage

    async def flush(self, rows: list[tuple[str, str]]) -> list[bool]:
        self.statements.append(rows)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0)  # a round trip: others arrive meanwhile
            if self.outage:
                raise ConnectionRefusedError("database away")
            if any(row_id == self.refuse for row_id, _ in rows):
                raise ValueError("value too long for the column")
            stored = set()
            for row_id, dedupe in rows:  # all or nothing, as one statement is
                if dedupe not in self.keys and dedupe not in {d for i, d in rows if i in stored}:
                    stored.add(row_id)
            self.keys |= {d for i, d in rows if i in stored}
            return [row_id in stored for row_id, _ in rows]
        finally:
            self.in_flight -= 1


def batches(store: RecordingStore, most: int = 64, at_once: int = 4) -> GroupCommit:
    return GroupCommit(store.flush, most=most, at_once=at_once)


async def test_alone_a_callback_is_a_statement_of_its_own():
    store = RecordingStore()
    assert await batches(store).store(("cbk_1", "k1")) is True
    assert store.statements == [[("cbk_1", "k1")]]


async def test_callbacks_arriving_together_share_statements_and_each_gets_its_answer():
    store = RecordingStore()
    intake = batches(store, most=16, at_once=2)
    rows = [(f"cbk_{n}", f"k{n}") for n in range(200)]
    answers = await asyncio.gather(*(intake.store(row) for row in rows))
    assert answers == [True] * 200
    assert sorted(r for s in store.statements for r in s) == sorted(rows)  # each once
    assert len(store.statements) < 200 / 4
    assert max(len(s) for s in store.statements) <= 16
    assert store.most_in_flight <= 2


async def test_a_duplicate_is_answered_false_even_inside_the_same_statement():
    store = RecordingStore()
    intake = batches(store)
    assert await intake.store(("cbk_old", "same")) is True
    answers = await asyncio.gather(intake.store(("cbk_a", "same")),
                                   intake.store(("cbk_b", "other")),
                                   intake.store(("cbk_c", "other")))
    assert answers == [False, True, False]
    assert store.keys == {"same", "other"}


async def test_a_row_the_table_refuses_fails_alone():
    store = RecordingStore(refuse="cbk_bad")
    intake = batches(store)
    rows = [("cbk_1", "k1"), ("cbk_bad", "kbad"), ("cbk_2", "k2")]
    answers = await asyncio.gather(*(intake.store(row) for row in rows),
                                   return_exceptions=True)
    assert answers[0] is True and answers[2] is True
    assert isinstance(answers[1], ValueError)
    assert store.keys == {"k1", "k2"}


async def test_an_outage_fails_the_whole_batch_without_retrying_row_by_row():
    store = RecordingStore(outage=True)
    intake = batches(store)
    answers = await asyncio.gather(*(intake.store((f"cbk_{n}", f"k{n}")) for n in range(5)),
                                   return_exceptions=True)
    assert all(isinstance(a, ConnectionRefusedError) for a in answers)
    assert len(store.statements) == 1


async def test_a_caller_that_went_away_leaves_the_others_answered():
    store = RecordingStore()
    intake = batches(store)
    gone = asyncio.create_task(intake.store(("cbk_gone", "k0")))
    kept = asyncio.create_task(intake.store(("cbk_kept", "k1")))
    await asyncio.sleep(0)
    gone.cancel()
    assert await kept is True
    assert store.keys == {"k0", "k1"}  # stored anyway: a redelivery is a duplicate


def test_a_drain_left_behind_by_a_closed_event_loop_does_not_block_the_next():
    """One object can outlive an event loop (a process-wide singleton under tests that
    each run their own loop): a drain that loop never finished must not hold a slot."""
    store = RecordingStore()
    intake = batches(store, at_once=1)

    async def leave_a_drain_running() -> None:
        never = asyncio.Event()

        async def stuck(rows: list[tuple[str, str]]) -> list[bool]:
            await never.wait()
            return [True] * len(rows)

        intake._flush = stuck
        asyncio.get_running_loop().create_task(intake.store(("cbk_old", "k_old")))
        await asyncio.sleep(0.01)

    old_loop = asyncio.new_event_loop()
    old_loop.run_until_complete(leave_a_drain_running())
    old_loop.close()  # without cancelling what still runs there, as a torn-down loop can
    intake._flush = store.flush

    async def store_again() -> bool:
        return await asyncio.wait_for(intake.store(("cbk_new", "k_new")), timeout=5)

    assert asyncio.run(store_again()) is True
