"""The database being unreachable, told by the type of what the driver raised.

Every SQL adapter runs its statements inside `storage_guard()` (the unit of work's
session, `connect` and `write_transaction` below and in engine.py), so a failure that
leaves one of them as a connection failure is the database's, wherever it came from in
the driver: it leaves as `StorageUnavailable` (503, retryable), never as a bare OSError
that would read as the payment provider being away. A bad statement or a lost race
(`is_conflict`) is not an outage and leaves unchanged.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator

from asyncpg import exceptions as pg
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from application.errors import StorageUnavailable
from domain.classification import ClassifiedFailure

# Raised by asyncpg itself, often straight from connect: shutting down, starting up,
# connection lost, too many connections.
_ASYNCPG_OUTAGES = (pg.OperatorInterventionError, pg.PostgresConnectionError,
                    pg.InterfaceError, pg.InsufficientResourcesError)
# Raised below the driver while it connects or talks to the server (refused, reset,
# timed out): inside a guard they can only be the database's.
_TRANSPORT = (OSError, TimeoutError)


def _is_outage(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError):  # SQLite "unable to open", "disk I/O error" too
        return bool(exc.connection_invalidated) or isinstance(
            exc, (OperationalError, InterfaceError))
    return isinstance(exc, (*_TRANSPORT, *_ASYNCPG_OUTAGES, DisconnectionError))


def is_connection_failure(exc: BaseException) -> bool:
    """True when `exc`, or what it wraps, is the database being unreachable."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _is_outage(current):
            return True
        current = current.__cause__ or current.__context__
    return False


@contextlib.contextmanager
def storage_guard() -> Iterator[None]:
    """Database work inside: its connection failures leave as StorageUnavailable."""
    try:
        yield
    except ClassifiedFailure:
        raise  # already says what it is (ConcurrentUpdate, StorageUnavailable...)
    except Exception as exc:
        if is_connection_failure(exc):
            raise StorageUnavailable() from exc
        raise


@contextlib.asynccontextmanager
async def connect(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """`engine.connect()` for a block of database work, guarded as above (the connect,
    the block, and the close)."""
    with storage_guard():
        async with engine.connect() as conn:
            yield conn
