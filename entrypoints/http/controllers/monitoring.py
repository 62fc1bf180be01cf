"""Operator endpoints: Prometheus scrape and payment statistics."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from application.actor import Actor
from application.use_cases.stats import GetStats
from entrypoints.http.stats_schemas import StatsOut
from entrypoints.http.window import parse_window
from entrypoints.scrape import Scrape

PROMETHEUS_TEXT = "text/plain; version=0.0.4"  # Litestar adds the charset


@get("/metrics", operation_id="getMetrics",
     tags=["monitoring"], summary="Prometheus metrics (text exposition format)",
     description="For the internal network only: restrict it at the proxy. No auth.",
     security=[], include_in_schema=True, media_type=PROMETHEUS_TEXT)
async def metrics(scrape: NamedDependency[Scrape]) -> Response[bytes]:
    return Response(await scrape(), media_type=PROMETHEUS_TEXT)


@get("/api/v1/stats", operation_id="getStats",
     tags=["monitoring"], summary="Payment statistics over a window (admin)",
     description="Success rate (captured / finished), volumes and amounts by status, errors "
                 "by category, gateway latency percentiles; computed from stored records, so "
                 "they survive restarts.")
async def stats(actor: NamedDependency[Actor], get_stats: NamedDependency[GetStats],
                window: Annotated[str, QueryParameter(
                    description="5m to 90d, e.g. 90m, 24h, 7d")] = "24h") -> StatsOut:
    return StatsOut.of(window, await get_stats(actor, parse_window(window)))
