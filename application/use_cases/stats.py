"""Payment statistics over a window, computed from our own records (they survive
restarts, unlike the process's Prometheus counters).

- Volumes, amounts and the success rate come from the payments created in the window.
  Success rate = captured / finished, where captured is succeeded, partially_refunded
  or refunded and finished adds failed, cancelled and expired; payments still created
  or pending are not finished and do not count either way.
- Errors by category: declines from the payments' failure codes, network and gateway
  trouble from the recorded gateway calls (each failure once: a checkout that failed
  to start is a gateway call, not a decline). A student's own cancel is counted under
  `cancelled`, not `payment_declined`: it is their choice, not their bank's refusal,
  and counting it as a decline made declines look worse than they were.
- Gateway latency percentiles over at most `MAX_CALLS` most recent calls of the window
  (nearest-rank), so a busy window costs a bounded read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

from application.actor import Actor, Role
from application.ports import Clock, GatewayCall, MonitoringQueries, PaymentPoint
from domain.classification import DECLINE_CODES, classify_code

MAX_CALLS = 10_000
MAX_POINTS = 50_000
CAPTURED = frozenset({"succeeded", "partially_refunded", "refunded"})
FINISHED = CAPTURED | {"failed", "cancelled", "expired"}
_OWN_CATEGORY = MappingProxyType({"payment_cancelled": "cancelled"})
_UNPAID_CODE = MappingProxyType({"failed": "payment_declined", "cancelled": "payment_cancelled",
                                 "expired": "payment_expired"})


@dataclass(frozen=True, slots=True)
class VolumeLine:
    status: str
    currency: str
    count: int
    amount_minor: int


@dataclass(frozen=True, slots=True)
class Latency:
    endpoint: str  # "all" for every endpoint together
    calls: int
    p50_ms: int
    p95_ms: int
    p99_ms: int


@dataclass(frozen=True, slots=True)
class Bucket:
    start: datetime
    captured: int
    finished: int
    created: int


@dataclass(frozen=True, slots=True)
class Stats:
    since: datetime
    until: datetime
    payments: int
    captured: int
    finished: int
    success_rate: float | None
    volumes: list[VolumeLine]
    errors_by_category: dict[str, int]
    errors_by_code: dict[str, int]
    gateway_calls: int
    latency: list[Latency]
    buckets: list[Bucket]


def percentile(sorted_ms: list[int], fraction: float) -> int:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_ms:
        return 0
    rank = max(1, -(-int(fraction * 1000) * len(sorted_ms) // 1000))
    return sorted_ms[min(rank, len(sorted_ms)) - 1]


def latency_of(endpoint: str, calls: list[GatewayCall]) -> Latency:
    ms = sorted(c.duration_ms for c in calls)
    return Latency(endpoint, len(ms), percentile(ms, 0.50), percentile(ms, 0.95),
                   percentile(ms, 0.99))


def decline_code(point: PaymentPoint) -> str | None:
    code = point.failure_code or _UNPAID_CODE.get(point.status)
    return code if point.status in _UNPAID_CODE and code in DECLINE_CODES else None


def buckets_of(points: list[PaymentPoint], since: datetime, until: datetime,
               count: int) -> list[Bucket]:
    width = (until - since) / count
    rows = [[0, 0, 0] for _ in range(count)]
    for p in points:
        i = min(count - 1, max(0, int((p.created_at - since) / width)))
        rows[i][0] += p.status in CAPTURED
        rows[i][1] += p.status in FINISHED
        rows[i][2] += 1
    return [Bucket(since + width * i, *r) for i, r in enumerate(rows)]


class GetStats:
    def __init__(self, queries: MonitoringQueries, clock: Clock) -> None:
        self._queries, self._clock = queries, clock

    async def __call__(self, actor: Actor, window: timedelta, buckets: int = 12) -> Stats:
        actor.require(Role.ADMIN)
        until = self._clock.now()
        since = until - window
        totals = await self._queries.payment_totals(since)
        points = await self._queries.payment_points(since, MAX_POINTS)
        calls = await self._queries.gateway_calls(since, MAX_CALLS)
        codes: Counter[str] = Counter(c for c in map(decline_code, points) if c)
        codes.update(c.outcome for c in calls if c.outcome != "ok")
        categories: Counter[str] = Counter()
        for code, n in codes.items():
            categories[_OWN_CATEGORY.get(code) or classify_code(code).category.value] += n
        captured = sum(t.count for t in totals if t.status in CAPTURED)
        finished = sum(t.count for t in totals if t.status in FINISHED)
        endpoints = sorted({c.endpoint for c in calls})
        return Stats(
            since=since, until=until, payments=sum(t.count for t in totals),
            captured=captured, finished=finished,
            success_rate=round(captured / finished, 4) if finished else None,
            volumes=[VolumeLine(t.status, t.currency, t.count, t.amount_minor)
                     for t in sorted(totals, key=lambda t: (t.status, t.currency))],
            errors_by_category=dict(sorted(categories.items())),
            errors_by_code=dict(sorted(codes.items())),
            gateway_calls=len(calls),
            latency=[latency_of("all", calls)] + [
                latency_of(e, [c for c in calls if c.endpoint == e]) for e in endpoints],
            buckets=buckets_of(points, since, until, buckets))
