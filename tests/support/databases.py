"""Storage backends for the contract and integration suites.

PostgreSQL tests run in a database created for this session (and dropped after), so
runs are repeatable and never touch data of their own. Unreachable PostgreSQL skips
with the reason; in CI (`CI=true`) or with SKILLPAY_REQUIRE_POSTGRES=1 it fails instead.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.idempotency import MemoryIdempotencyStore
from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.sql import migrate
from adapters.sql.engine import create_engine_for
from adapters.sql.idempotency import SqlIdempotencyStore
from adapters.sql.schema import metadata
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory

PG_SERVER = os.environ.get("SKILLPAY_TEST_POSTGRES", "postgres@127.0.0.1:5432")
_PG_DSN = f"postgresql://{PG_SERVER}/postgres"


@dataclass
class Backend:
    name: str
    uow_factory: Any
    idempotency: Any
    engine: AsyncEngine | None = None


def _postgres_unreachable() -> str | None:
    async def probe() -> None:
        conn = await asyncpg.connect(_PG_DSN, timeout=3)
        await conn.close()
    try:
        asyncio.run(probe())
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        return f"PostgreSQL at {PG_SERVER} unreachable: {exc!r}"
    return None


def skip_or_fail(reason: str) -> None:  # see tests/support/skipping.py
    if os.environ.get("CI") == "true" or os.environ.get("SKILLPAY_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required here (CI or SKILLPAY_REQUIRE_POSTGRES=1) but "
                    f"{reason}")
    pytest.skip(reason)


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(_PG_DSN, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def create_pg_database() -> str:
    """A fresh empty database; returns its SQLAlchemy URL."""
    reason = _postgres_unreachable()
    if reason:
        skip_or_fail(reason)
    name = f"skillpay_test_{secrets.token_hex(6)}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    return f"postgresql+asyncpg://{PG_SERVER}/{name}"


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One migrated database for the whole session."""
    url = create_pg_database()
    try:
        asyncio.run(migrate.upgrade(url))
        yield url
    finally:
        drop_pg_database(url)


@pytest.fixture
def scratch_postgres_url() -> Iterator[str]:
    """An empty database of its own, for tests that migrate up and down."""
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


async def _truncate(engine: AsyncEngine) -> None:
    names = ", ".join(t.name for t in metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine_for(f"sqlite+aiosqlite:///{tmp_path / 'skillpay.db'}")
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
async def postgres_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine_for(postgres_url)
    await _truncate(engine)
    yield engine
    await engine.dispose()


def memory_backend() -> Backend:
    store = MemoryStore()
    return Backend("memory", MemoryUnitOfWorkFactory(store), MemoryIdempotencyStore(store))


def sql_backend(name: str, engine: AsyncEngine) -> Backend:
    return Backend(name, SqlUnitOfWorkFactory(engine), SqlIdempotencyStore(engine), engine)


@pytest.fixture
def sql_engine(request: pytest.FixtureRequest) -> AsyncEngine:
    """`sqlite` or `postgres`, chosen by indirect parametrisation."""
    return request.getfixturevalue(f"{request.param}_engine")  # type: ignore[no-any-return]


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> Backend:
    """`memory`, `sqlite` or `postgres`, chosen by indirect parametrisation."""
    if request.param == "memory":
        return memory_backend()
    return sql_backend(request.param, request.getfixturevalue(f"{request.param}_engine"))
