"""The outbox relay: publish committed events, at least once.

Events are written to `outbox` in the same transaction as the change that recorded
them, so none is lost if the process dies after commit. The relay reads unrelayed rows
in order, rebuilds the domain events, publishes them and only then marks them relayed:
a crash in between publishes them again on the next run (at-least-once), so
subscribers must tolerate duplicates.

Several relays share the outbox on PostgreSQL: each takes a batch with
`FOR UPDATE SKIP LOCKED` and holds those row locks until it has published and marked
them, so the others take the next rows instead of waiting or publishing the same ones.
(On SQLite the batch is read, published, then marked: holding its single writer while
publishing would stall every other write, and publishing enqueues webhook deliveries.)
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql.engine import is_sqlite, write_transaction
from adapters.sql.event_codec import decode_event, encode_event
from adapters.sql.record_tables import OutboxRow
from adapters.sql.unavailable import connect
from application.ports import Clock, Notifier
from application.probes import AFTER_RELAY_PUBLISH, NoProbe, Probe
from domain.events import DomainEvent

_O = OutboxRow.__table__  # type: ignore[attr-defined]


def outbox_values(event: DomainEvent) -> dict[str, Any]:
    """The outbox row for one event, written by the unit of work that recorded it."""
    name, payload = encode_event(event)
    return {"event_id": f"evt_{secrets.token_hex(12)}", "name": name, "payload": payload,
            "created_at": datetime.now(UTC), "relayed_at": None}


class OutboxRelay:
    def __init__(self, engine: AsyncEngine, notifier: Notifier,
                 clock: Clock | None = None, probe: Probe | None = None) -> None:
        self._engine, self._notifier, self._clock = engine, notifier, clock
        self._probe = probe or NoProbe()

    async def relay_once(self, limit: int = 100) -> int:
        """Publish up to `limit` unrelayed events in commit order; return how many."""
        unrelayed = (select(_O.c.seq, _O.c.name, _O.c.payload)
                     .where(_O.c.relayed_at.is_(None)).order_by(_O.c.seq).limit(limit))
        if is_sqlite(self._engine):
            async with connect(self._engine) as conn:
                rows = (await conn.execute(unrelayed)).all()
            if rows:
                await self._publish(rows)
                async with write_transaction(self._engine) as conn:
                    await self._mark(conn, rows)
            return len(rows)
        async with connect(self._engine) as conn, conn.begin():
            rows = (await conn.execute(unrelayed.with_for_update(skip_locked=True))).all()
            if rows:
                await self._publish(rows)
                await self._mark(conn, rows)
        return len(rows)

    async def _publish(self, rows: Sequence[Any]) -> None:
        await self._notifier.publish([decode_event(r.name, r.payload) for r in rows])
        self._probe.reached(AFTER_RELAY_PUBLISH)

    async def _mark(self, conn: AsyncConnection, rows: Sequence[Any]) -> None:
        now = self._clock.now() if self._clock is not None else datetime.now(UTC)
        await conn.execute(update(_O).where(_O.c.seq.in_([r.seq for r in rows]),
                                            _O.c.relayed_at.is_(None))
                           .values(relayed_at=now))
