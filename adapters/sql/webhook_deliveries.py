"""Platform webhook deliveries in the database; each call is its own short transaction
and the unique (event_id, url) makes a re-relayed event enqueue nothing new. Workers
lease due deliveries, so several of them send each one once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Text, cast, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.delivery_tables import DeliveryRow
from adapters.sql.engine import write_transaction
from adapters.sql.unavailable import connect
from application.platform_webhooks import Delivery

_D = DeliveryRow.__table__  # type: ignore[attr-defined]


class SqlDeliveryStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._insert = (postgresql if engine.dialect.name == "postgresql" else sqlite).insert

    async def enqueue(self, deliveries: Sequence[Delivery]) -> int:
        if not deliveries:
            return 0
        rows = [DeliveryRow.from_domain(d).model_dump() for d in deliveries]
        statement = self._insert(_D).values(rows).on_conflict_do_nothing()
        async with write_transaction(self._engine) as conn:
            return (await conn.execute(statement)).rowcount  # type: ignore[no-any-return]

    async def lease(self, now: datetime, until: datetime, limit: int) -> list[Delivery]:
        """`FOR UPDATE SKIP LOCKED` on PostgreSQL: workers leasing at once split the due
        rows between them; SQLite's single writer serialises them instead."""
        statement = (select(_D).where(_D.c.status == "pending", _D.c.next_attempt_at <= now)
                     .order_by(_D.c.next_attempt_at, _D.c.id).limit(limit)
                     .with_for_update(skip_locked=True))
        async with write_transaction(self._engine) as conn:
            rows = (await conn.execute(statement)).mappings().all()
            if rows:
                await conn.execute(update(_D).where(_D.c.id.in_([r["id"] for r in rows]))
                                   .values(next_attempt_at=until))
        return [DeliveryRow(**row).to_domain() for row in rows]

    async def record_attempt(self, delivery_id: str, *, delivered: bool,
                             status_code: int | None, error: str | None,
                             next_attempt_at: datetime | None, now: datetime) -> None:
        status = "delivered" if delivered else ("pending" if next_attempt_at else "failed")
        values = {"attempts": _D.c.attempts + 1, "status": status,
                  "last_status_code": status_code, "last_error": error}
        if next_attempt_at is not None:
            values["next_attempt_at"] = next_attempt_at
        async with write_transaction(self._engine) as conn:
            await conn.execute(update(_D).where(_D.c.id == delivery_id).values(**values))

    async def for_event(self, event_id: str) -> list[Delivery]:
        async with connect(self._engine) as conn:
            rows = (await conn.execute(select(_D).where(_D.c.event_id == event_id)
                                       .order_by(_D.c.id))).mappings().all()
        return [DeliveryRow(**row).to_domain() for row in rows]

    async def get(self, delivery_id: str) -> Delivery | None:
        async with connect(self._engine) as conn:
            row = (await conn.execute(select(_D).where(_D.c.id == delivery_id))
                   ).mappings().first()
        return None if row is None else DeliveryRow(**row).to_domain()

    async def mentioning(self, ids: Sequence[str], since: datetime,
                         limit: int) -> list[Delivery]:
        """Deliveries created since `since` whose JSON body names one of `ids` (as a whole
        JSON string). The body is scanned, not indexed: this serves the operator's
        payment page, one payment at a time, bounded by `since`."""
        body = (func.convert_from(_D.c.body, "UTF8", type_=Text)
                if self._engine.dialect.name == "postgresql" else cast(_D.c.body, Text))
        statement = (select(_D).where(_D.c.created_at >= since, or_(*(
            body.contains(f'"{i}"', autoescape=True) for i in ids)))
            .order_by(_D.c.created_at, _D.c.id).limit(limit))
        async with connect(self._engine) as conn:
            rows = (await conn.execute(statement)).mappings().all()
        return [DeliveryRow(**row).to_domain() for row in rows]
