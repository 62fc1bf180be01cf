"""Monitoring records and queries over the in-memory store (the reference behaviour)."""

from __future__ import annotations

import copy
from collections import defaultdict
from datetime import datetime

from adapters.memory.store import MemoryStore
from application.ports import GatewayCall, PaymentPoint, StatusTotal
from domain.payment import Payment


class MemoryGatewayCallLog:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def record(self, call: GatewayCall) -> None:
        self._store.gateway_calls.append(call)


class MemoryMonitoringQueries:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def _since(self, since: datetime) -> list[Payment]:
        return [p for p in self._store.payments.values() if p.created_at >= since]

    async def payment_totals(self, since: datetime) -> list[StatusTotal]:
        sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for p in self._since(since):
            line = sums[(p.status.value, p.amount.currency)]
            line[0] += 1
            line[1] += p.amount.amount_minor
        return [StatusTotal(s, c, n, a) for (s, c), (n, a) in sorted(sums.items())]

    async def payment_points(self, since: datetime, limit: int) -> list[PaymentPoint]:
        newest = sorted(self._since(since), key=lambda p: (p.created_at, p.id), reverse=True)
        return [PaymentPoint(p.created_at, p.status.value, p.failure_code)
                for p in newest[:limit]]

    async def gateway_calls(self, since: datetime, limit: int) -> list[GatewayCall]:
        calls = [c for c in self._store.gateway_calls if c.at >= since]
        return sorted(calls, key=lambda c: c.at, reverse=True)[:limit]

    async def needing_review(self, limit: int) -> list[Payment]:
        held = [p for p in self._store.payments.values() if p.review_reason is not None]
        held.sort(key=lambda p: (p.updated_at, p.id), reverse=True)
        return [copy.deepcopy(p) for p in held[:limit]]

    async def outbox_lag(self, now: datetime) -> tuple[int, float]:
        """Memory storage publishes right after commit: there is no outbox to lag."""
        return 0, 0.0

    async def oldest_pending_age(self, now: datetime) -> float:
        open_since = [p.created_at for p in self._store.payments.values()
                      if p.status.value == "pending"]
        return max(0.0, (now - min(open_since)).total_seconds()) if open_since else 0.0
