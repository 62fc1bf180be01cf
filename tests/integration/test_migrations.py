"""Alembic owns the schema: it goes down to nothing and back up, and matches the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from adapters.sql import migrate
from adapters.sql.schema import metadata

pytestmark = pytest.mark.integration

TABLES = {"payments", "enrollments", "refunds", "audit_entries", "webhook_inbox",
          "idempotency_keys", "outbox"}


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'migrated.db'}"
    return request.getfixturevalue("scratch_postgres_url")  # type: ignore[no-any-return]


async def inspect_db(url: str, what):  # type: ignore[no-untyped-def]
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(what)
    finally:
        await engine.dispose()


async def test_upgrade_downgrade_round_trip(database_url):
    assert await migrate.current(database_url) is None
    assert not await migrate.is_up_to_date(database_url)
    await migrate.upgrade(database_url)
    assert await migrate.current(database_url) == migrate.head_revision()
    await migrate.downgrade(database_url, "base")
    assert await migrate.current(database_url) is None
    names = await inspect_db(database_url, lambda c: set(inspect(c).get_table_names()))
    assert names & TABLES == set()
    await migrate.upgrade(database_url, "head")
    assert await migrate.is_up_to_date(database_url)
    names = await inspect_db(database_url, lambda c: set(inspect(c).get_table_names()))
    assert TABLES <= names


async def test_migrated_schema_matches_the_models(database_url):
    await migrate.upgrade(database_url)
    diff = await inspect_db(database_url, lambda c: compare_metadata(
        MigrationContext.configure(c, opts={"compare_type": False}), metadata))
    assert diff == []


def test_migration_scripts_ship_inside_the_package():
    folder = migrate.MIGRATIONS
    assert (folder / "env.py").is_file() and (folder / "script.py.mako").is_file()
    assert "import sqlmodel" in (folder / "script.py.mako").read_text()
    assert (folder / "__init__.py").is_file() and (folder / "versions" / "__init__.py").is_file()
