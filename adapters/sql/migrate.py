"""Run the Alembic migrations from Python, without an alembic.ini on disk.

The Config is built in code with `script_location` pointing at the `migrations`
folder inside this package, so an installed wheel migrates the same way a checkout
does. Each call runs on one connection of a short-lived async engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def _on_connection(url: str, work: Any) -> Any:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            result = await conn.run_sync(work)
            await conn.commit()
            return result
    finally:
        await engine.dispose()


def _run(url: str, action: Any, revision: str) -> Any:
    def work(connection: Connection) -> None:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        action(config, revision)
    return work


async def upgrade(url: str, revision: str = "head") -> None:
    await _on_connection(url, _run(url, command.upgrade, revision))


async def downgrade(url: str, revision: str) -> None:
    await _on_connection(url, _run(url, command.downgrade, revision))


async def current(url: str) -> str | None:
    """The revision the database is at; None when it was never migrated."""
    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()
    return await _on_connection(url, read)  # type: ignore[no-any-return]


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def is_up_to_date(url: str) -> bool:
    return await current(url) == head_revision()
