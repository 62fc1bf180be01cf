"""The state machine of tests/reliability/machine.py on memory, SQLite and PostgreSQL.

CI runs 200 examples of 50 steps per backend; elsewhere fewer keep `make test` quick.
A failure prints the steps and a `@reproduce_failure` blob: paste it above the test in
tests/reliability/test_model_regressions.py to keep it as a regression test.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from sqlalchemy import text

from adapters.sql.engine import create_engine_for
from adapters.sql.idempotency import SqlIdempotencyStore
from adapters.sql.schema import metadata
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from tests.reliability.figures import record
from tests.reliability.machine import PaymentsMachine
from tests.support.world import World

pytestmark = [pytest.mark.integration, pytest.mark.property]
IN_CI = os.environ.get("CI") == "true"
SETTINGS = settings(max_examples=200 if IN_CI else 15,
                    stateful_step_count=50 if IN_CI else 25, deadline=None,
                    print_blob=True, suppress_health_check=[HealthCheck.too_slow,
                                                            HealthCheck.filter_too_much])


def memory_world(runner: asyncio.Runner) -> tuple[World, Callable[[], Any]]:
    async def nothing() -> None:
        return None

    return World(), nothing


def sql_world(url: str) -> Callable[[asyncio.Runner], tuple[World, Callable[[], Any]]]:
    def make(runner: asyncio.Runner) -> tuple[World, Callable[[], Any]]:
        engine = create_engine_for(url)

        async def empty() -> None:
            async with engine.begin() as conn:
                for table in reversed(metadata.sorted_tables):
                    await conn.execute(text(f"DELETE FROM {table.name}"))

        runner.run(empty())
        world = World(uow_factory=SqlUnitOfWorkFactory(engine),
                      idempotency_store=SqlIdempotencyStore(engine))
        return world, engine.dispose

    return make


def run_machine(backend: str,
                make_world: Callable[[asyncio.Runner], tuple[World, Callable[[], Any]]]
                ) -> None:
    machine = type("Machine", (PaymentsMachine,), {"make_world": staticmethod(make_world)})
    try:
        run_state_machine_as_test(machine, settings=SETTINGS)
        violations = 0
    except AssertionError:
        violations = 1
        raise
    finally:
        record(f"Model-based state machine on {backend}",
               examples=machine.examples, checked_steps=machine.steps,
               max_steps_per_example=SETTINGS.stateful_step_count,
               failing_examples=violations)


def test_model_on_memory() -> None:
    run_machine("memory", memory_world)


def test_model_on_sqlite(tmp_path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'model.db'}"

    async def create() -> None:
        engine = create_engine_for(url)
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        await engine.dispose()

    asyncio.run(create())
    run_machine("SQLite", sql_world(url))


def test_model_on_postgres(postgres_url: str) -> None:
    run_machine("PostgreSQL", sql_world(postgres_url))
