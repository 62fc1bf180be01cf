"""Tell a database outage from any other failure: the database down must be reported as
storage unavailable (503, retryable), not as the payment provider being unreachable.

asyncpg raises plain OSErrors (ConnectionRefusedError...) when it cannot connect, which
look exactly like a gateway outage; what differs is where they were raised. So an
OSError or timeout counts when the database driver raised it, and SQLAlchemy's own
errors count when they are about the connection (not a bad statement or a constraint).
"""

from __future__ import annotations

from types import TracebackType

from asyncpg import exceptions as pg
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

_DRIVERS = ("asyncpg", "aiosqlite", "sqlalchemy", "sqlite3")
# Raised by asyncpg itself, often straight from connect: shutting down, starting up,
# connection lost, too many connections.
_ASYNCPG_OUTAGES = (pg.OperatorInterventionError, pg.PostgresConnectionError,
                    pg.InterfaceError, pg.InsufficientResourcesError)


def _raised_by_driver(tb: TracebackType | None) -> bool:
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__", "").startswith(_DRIVERS):
            return True
        tb = tb.tb_next
    return False


def _is_outage(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated) or isinstance(
            exc, (OperationalError, InterfaceError))
    if isinstance(exc, (OSError, TimeoutError)):
        return _raised_by_driver(exc.__traceback__)
    return isinstance(exc, _ASYNCPG_OUTAGES)


def is_storage_failure(exc: BaseException) -> bool:
    """True when `exc`, or what it wraps, is the database being unreachable."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _is_outage(current):
            return True
        current = current.__cause__ or current.__context__
    return False
