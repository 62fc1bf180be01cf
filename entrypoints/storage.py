"""Bring storage to the schema the code expects, or refuse to start.

Development and test migrate the database themselves; production never does: it
refuses to start on a database that is behind, in one line (run `skillpay migrate`).
"""

from __future__ import annotations

from adapters.sql import migrate
from entrypoints.container import Container
from entrypoints.container_infrastructure import storage_kind
from entrypoints.settings import Settings


class StorageNotReady(RuntimeError):
    """The database schema is behind the code; the message is one line for operators."""


async def prepare_storage(settings: Settings) -> None:
    if storage_kind(settings) == "memory":
        return
    if settings.is_production:
        if not await migrate.is_up_to_date(settings.database_url):
            raise StorageNotReady("the database schema is behind this release: run "
                                  "`skillpay migrate upgrade` before starting")
        return
    await migrate.upgrade(settings.database_url)


async def close_storage(container: Container) -> None:
    if storage_kind(container.settings()) == "sql":
        intake_pool = container.driver_pool()
        if intake_pool is not None:
            await intake_pool.close()
        await container.engine().dispose()
