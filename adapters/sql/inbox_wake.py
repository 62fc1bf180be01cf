"""Wake this worker's inbox sweep when another instance leaves a callback to any worker.

An instance whose dispatcher is full acknowledges a callback without holding it, and its
insert sends `NOTIFY skillpay_inbox` (see callback_intake.py). Here a dedicated asyncpg
connection LISTENs and sets an event the sweep waits on, so such a callback is taken at
once rather than at the next tick. Without PostgreSQL, or when the listening connection
cannot be opened, the sweep simply runs on its timer: waking is an optimisation, the
timer is the guarantee.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from adapters.sql.callback_intake import INBOX_CHANNEL

log = logging.getLogger("skillpay.worker")


class InboxWake:
    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        self._dsn = (url.set(drivername="postgresql").render_as_string(hide_password=False)
                     if url.get_backend_name() == "postgresql" else None)
        self._event: asyncio.Event | None = None
        self._conn: Any = None

    async def start(self) -> None:
        self._event = asyncio.Event()
        if self._dsn is None:
            return
        try:
            self._conn = await asyncpg.connect(self._dsn, timeout=5)
            await self._conn.add_listener(INBOX_CHANNEL, self._notified)
        except (OSError, asyncpg.PostgresError, TimeoutError) as failure:
            log.warning("inbox wake-ups off (%s); the sweep runs on its timer",
                        type(failure).__name__)
            self._conn = None

    def _notified(self, *_: object) -> None:
        if self._event is not None:
            self._event.set()

    async def wait(self, timeout_s: float) -> None:
        """Return after `timeout_s`, or earlier when a callback was left to any worker."""
        if self._event is None:
            await asyncio.sleep(timeout_s)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout_s)
        self._event.clear()

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()
