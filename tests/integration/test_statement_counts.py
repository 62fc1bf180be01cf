"""The database work of the hot paths, pinned: statements, transactions and connection
checkouts for creating a checkout, acknowledging a callback and processing it, through
the SQL unit of work on SQLite and PostgreSQL (fake gateway, so only our SQL counts).

Counted with SQLAlchemy's events on the engine: `before_cursor_execute` for every data
statement (and, on PostgreSQL, asyncpg's query logger for the statements an adapter
sends to the driver directly: the callback intake's), `commit` for every transaction that writes (on PostgreSQL the reads run in
autocommit: their end sends nothing and is not counted; see unit_of_work.py), `rollback`
for every rollback, and the pool's `checkout`. The counts are exact so that a change
that adds a round trip fails here and has to say why; a change that removes one updates
the numbers (and docs/benchmarks.md). Never a timing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from domain.gateway_report import GatewayStatus
from tests.support.world import World

pytestmark = pytest.mark.integration


TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"})
# asyncpg looks up a type it has not met on a connection once (the intake's array
# parameters), with JIT switched off around it; that connection never asks again.
DRIVER_INTROSPECTION = ("typeinfo_tree", "current_setting('jit')", "set_config('jit'")


class SqlCounter:
    def __init__(self, engine: AsyncEngine) -> None:
        self.counts: Counter[str] = Counter()
        self.statements: list[str] = []
        sync = engine.sync_engine
        event.listen(sync, "before_cursor_execute", self._statement)
        event.listen(sync, "commit", self._commit)
        event.listen(sync, "rollback", lambda _conn: self.counts.update(["rollbacks"]))
        event.listen(sync.pool, "checkout", self._checkout)
        self._logged: set[int] = set()
        self._announced: Counter[str] = Counter()

    def _checkout(self, _dbapi: Any, record: Any, _proxy: Any) -> None:
        self.counts.update(["checkouts"])
        driver = record.driver_connection
        if hasattr(driver, "add_query_logger") and id(driver) not in self._logged:
            self._logged.add(id(driver))
            driver.add_query_logger(self._driver_statement)

    def _driver_statement(self, logged: Any) -> None:
        """Statements sent to asyncpg without SQLAlchemy. SQLAlchemy's own were counted
        by its event (the logger sees those it runs unprepared, e.g. executemany), and
        its BEGIN/COMMIT are its transactions, counted by the `commit` event."""
        query = logged.query
        if query.split(None, 1)[0].rstrip(";").upper() in TRANSACTION_CONTROL:
            return
        if any(mark in query for mark in DRIVER_INTROSPECTION):
            return
        if self._announced[query] > 0:
            self._announced[query] -= 1
            return
        self._statement(None, None, query, driver_direct=True)

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_: Any,
                   driver_direct: bool = False) -> None:
        if not driver_direct:
            self._announced[statement] += 1
        verb = statement.split(None, 1)[0].upper()
        self.counts.update(["statements", verb])
        self.statements.append(" ".join(statement.split()[:4]))

    def _commit(self, conn: Any) -> None:
        if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            self.counts.update(["transactions"])

    def take(self) -> dict[str, int]:
        taken, self.counts = dict(self.counts), Counter()
        self.statements.clear()
        return taken


# statements by verb, then transactions (writes), checkouts and rollbacks: the same on
# both engines, since the unit of work issues the same SQL on each.
# Each write transaction that changes a checkout's status ends with one upsert of the
# analytics rollup (adapters/sql/analytics_rollup.py): +1 INSERT per transaction below.
CHECKOUT = {"statements": 14, "SELECT": 6, "INSERT": 7, "UPDATE": 1,
            "transactions": 2, "checkouts": 2}
# the acknowledgement: one INSERT; on PostgreSQL in autocommit (one round trip, no
# BEGIN/COMMIT, sent to asyncpg directly), on SQLite in one write transaction under the
# single-writer lock
RECEIVE = {"statements": 1, "INSERT": 1, "checkouts": 1}
RECEIVE_SQLITE = {**RECEIVE, "transactions": 1}
# processing: one read (is there such a payment?), the gateway call, then one transaction
# that applies the answer and marks the callback done together
# (+2 INSERT: the paid checkout's rollup row and its time-to-pay histogram row)
PROCESS = {"statements": 11, "SELECT": 4, "UPDATE": 3, "INSERT": 4,
           "transactions": 1, "checkouts": 2}


@pytest.mark.parametrize("sql_engine", ["sqlite", "postgres"], indirect=True)
async def test_the_hot_paths_issue_a_pinned_number_of_statements(sql_engine: AsyncEngine):
    world = World(uow_factory=SqlUnitOfWorkFactory(sql_engine))
    enrollment = await world.enrollment()
    counter = SqlCounter(sql_engine)

    payment = await world.checkout(enrollment)
    assert counter.take() == CHECKOUT

    world.gateway.settle(payment.paylink_id, GatewayStatus.SUCCESS)
    body, headers = world.gateway.signed_callback(payment.paylink_id)
    receipt = await world.handle_callback.receive(headers, body)
    assert counter.take() == (RECEIVE_SQLITE if sql_engine.dialect.name == "sqlite"
                              else RECEIVE)

    outcome = await world.handle_callback.process(receipt.inbox_id, payment.paylink_id,
                                                  receipt.claimed)
    assert outcome == "processed"
    assert counter.take() == PROCESS


@pytest.mark.parametrize("sql_engine", ["sqlite", "postgres"], indirect=True)
async def test_a_read_only_unit_of_work_neither_commits_nor_rolls_back(sql_engine: AsyncEngine):
    world = World(uow_factory=SqlUnitOfWorkFactory(sql_engine))
    enrollment = await world.enrollment()
    counter = SqlCounter(sql_engine)
    assert await world.tx.run(lambda uow: uow.enrollments.get(enrollment.id)) is not None
    assert counter.take() == {"statements": 1, "SELECT": 1, "checkouts": 1}


@pytest.mark.parametrize("sql_engine", ["sqlite", "postgres"], indirect=True)
async def test_the_hot_paths_reuse_compiled_statements(sql_engine: AsyncEngine):
    """After one round, every statement of a checkout, an acknowledgement and its
    processing comes from SQLAlchemy's compiled cache: a statement built so that it has
    no cache key (a multi-row VALUES did) is compiled again on every write."""
    world = World(uow_factory=SqlUnitOfWorkFactory(sql_engine))
    seen: list[tuple[str, str]] = []

    def note(_c: Any, _cu: Any, statement: str, _p: Any, context: Any, _m: Any) -> None:
        seen.append((context.cache_hit.name, " ".join(statement.split()[:3])))

    async def one_round(n: int) -> None:
        enrollment = await world.enrollment(student_id=f"stu-cache-{n}")
        payment = await world.checkout(enrollment, key=f"cache-key-{n:06d}")
        world.gateway.settle(payment.paylink_id, GatewayStatus.SUCCESS)
        body, headers = world.gateway.signed_callback(payment.paylink_id)
        receipt = await world.handle_callback.receive(headers, body)
        await world.handle_callback.process(receipt.inbox_id, payment.paylink_id,
                                            receipt.claimed)

    await one_round(0)
    event.listen(sql_engine.sync_engine, "after_cursor_execute", note)
    await one_round(1)
    assert seen, "no statement went through SQLAlchemy"
    assert [s for s in seen if s[0] != "CACHE_HIT"] == []
