"""Monitoring records and read-only queries over the SQL tables.

Queries run on their own short connections, outside any unit of work: they only read,
and a slightly stale answer is fine for a dashboard.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import write_transaction
from adapters.sql.group_commit import GroupCommit
from adapters.sql.monitoring_tables import GatewayCallRow
from adapters.sql.record_tables import OutboxRow
from adapters.sql.tables import PaymentRow
from adapters.sql.unavailable import connect
from application.ports import GatewayCall, PaymentPoint, StatusTotal
from domain.payment import Payment

log = logging.getLogger("adapters.sql.monitoring")
_G = GatewayCallRow.__table__  # type: ignore[attr-defined]
_P = PaymentRow.__table__  # type: ignore[attr-defined]
_O = OutboxRow.__table__  # type: ignore[attr-defined]
_INSERT_CALL = insert(_G)  # given its rows at execution: one compiled form


class SqlGatewayCallLog:
    """Each gateway call is recorded before the call's answer goes on (so the operator
    page counts it), but calls that end together share one write transaction (group
    commit): one per call was a transaction on every checkout's and every
    confirmation's path (docs/benchmarks.md)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        single_writer = engine.dialect.name == "sqlite"
        self._calls = GroupCommit(self._record_together, at_once=1 if single_writer else 4)

    async def record(self, call: GatewayCall) -> None:
        await self._calls.store(call)

    async def _record_together(self, calls: list[GatewayCall]) -> list[bool]:
        async with write_transaction(self._engine) as conn:
            await conn.execute(_INSERT_CALL, [
                {"endpoint": c.endpoint, "outcome": c.outcome[:64],
                 "duration_ms": c.duration_ms, "at": c.at} for c in calls])
        return [True] * len(calls)


class SqlMonitoringQueries:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def payment_totals(self, since: datetime) -> list[StatusTotal]:
        statement = (select(_P.c.status, _P.c.currency, func.count(), func.sum(_P.c.amount_minor))
                     .where(_P.c.created_at >= since)
                     .group_by(_P.c.status, _P.c.currency).order_by(_P.c.status, _P.c.currency))
        async with connect(self._engine) as conn:
            rows = (await conn.execute(statement)).all()
        return [StatusTotal(r[0], r[1], int(r[2]), int(r[3] or 0)) for r in rows]

    async def payment_points(self, since: datetime, limit: int) -> list[PaymentPoint]:
        statement = (select(_P.c.created_at, _P.c.status, _P.c.failure_code)
                     .where(_P.c.created_at >= since)
                     .order_by(_P.c.created_at.desc(), _P.c.id.desc()).limit(limit))
        async with connect(self._engine) as conn:
            rows = (await conn.execute(statement)).all()
        return [PaymentPoint(r[0], r[1], r[2]) for r in rows]

    async def gateway_calls(self, since: datetime, limit: int) -> list[GatewayCall]:
        statement = (select(_G.c.endpoint, _G.c.outcome, _G.c.duration_ms, _G.c.at)
                     .where(_G.c.at >= since).order_by(_G.c.at.desc(), _G.c.seq.desc())
                     .limit(limit))
        async with connect(self._engine) as conn:
            rows = (await conn.execute(statement)).all()
        return [GatewayCall(r[0], r[1], int(r[2]), r[3]) for r in rows]

    async def needing_review(self, limit: int) -> list[Payment]:
        statement = (select(PaymentRow).where(_P.c.review_reason.is_not(None))
                     .order_by(_P.c.updated_at.desc(), _P.c.id.desc()).limit(limit))
        async with connect(self._engine) as conn:
            rows = (await conn.execute(statement)).all()
        return [PaymentRow.model_validate(dict(r._mapping)).to_domain() for r in rows]

    async def outbox_lag(self, now: datetime) -> tuple[int, float]:
        """Unrelayed outbox rows and the age in seconds of the oldest (0 when none)."""
        statement = select(func.count(), func.min(_O.c.created_at)).where(
            _O.c.relayed_at.is_(None))
        async with connect(self._engine) as conn:
            count, oldest = (await conn.execute(statement)).one()
        return int(count), _age(oldest, now)

    async def oldest_pending_age(self, now: datetime) -> float:
        """Seconds since the oldest payment still pending (paylink out, no answer)."""
        statement = select(func.min(_P.c.created_at)).where(
            _P.c.status == "pending")
        async with connect(self._engine) as conn:
            oldest = (await conn.execute(statement)).scalar()
        return _age(oldest, now)


def _age(oldest: datetime | None, now: datetime) -> float:
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:  # SQLite aggregates bypass the column type
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return max(0.0, (now - oldest).total_seconds())
