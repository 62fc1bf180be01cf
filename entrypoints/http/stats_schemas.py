"""Wire types of the stats endpoint."""

from __future__ import annotations

from datetime import datetime

import msgspec

from application.use_cases.stats import Stats
from entrypoints.http.schemas import MoneyOut


class VolumeOut(msgspec.Struct, frozen=True, kw_only=True):
    status: str
    count: int
    amount: MoneyOut


class LatencyOut(msgspec.Struct, frozen=True, kw_only=True):
    endpoint: str
    calls: int
    p50_ms: int
    p95_ms: int
    p99_ms: int


class BucketOut(msgspec.Struct, frozen=True, kw_only=True):
    start: datetime
    created: int
    finished: int
    captured: int


class StatsOut(msgspec.Struct, frozen=True, kw_only=True):
    window: str
    since: datetime
    until: datetime
    payments: int
    finished: int
    succeeded: int
    success_rate: float | None
    volumes: list[VolumeOut]
    errors_by_category: dict[str, int]
    errors_by_code: dict[str, int]
    gateway_calls: int
    gateway_latency: list[LatencyOut]
    buckets: list[BucketOut]

    @classmethod
    def of(cls, window: str, s: Stats) -> StatsOut:
        return cls(
            window=window, since=s.since, until=s.until, payments=s.payments,
            finished=s.finished, succeeded=s.captured, success_rate=s.success_rate,
            volumes=[VolumeOut(status=v.status, count=v.count,
                               amount=MoneyOut(amount=v.amount_minor, currency=v.currency))
                     for v in s.volumes],
            errors_by_category=s.errors_by_category, errors_by_code=s.errors_by_code,
            gateway_calls=s.gateway_calls,
            gateway_latency=msgspec.convert(s.latency, list[LatencyOut], from_attributes=True),
            buckets=msgspec.convert(s.buckets, list[BucketOut], from_attributes=True))
