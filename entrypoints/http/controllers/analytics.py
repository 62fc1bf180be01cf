"""Payment analytics for a date range, overall and per course (admin)."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from application.actor import Actor, Role
from application.use_cases.analytics import MAX_DAYS, AnalyticsQuery, GetAnalytics
from entrypoints.http.admin_analytics import ADMIN_ANALYTICS_ROUTES
from entrypoints.http.analytics_schemas import AnalyticsOut, parse_range

Query = QueryParameter


@get("/api/v1/analytics", operation_id="getAnalytics", tags=["monitoring"],
     summary="Funnel, conversion, time to pay, decline and cancel reasons, refunds and "
             "revenue by day for a date range, overall and per course (admin)",
     description=f"The cohort is the checkouts started in the range (and the enrollments "
                 f"created in it). `from`/`to` are UTC days (YYYY-MM-DD, both inclusive) "
                 f"or datetimes with an offset (`to` exclusive); at most {MAX_DAYS} days. "
                 "Money is integer minor units; rates are percentages.")
async def analytics(
        actor: NamedDependency[Actor], get_analytics: NamedDependency[GetAnalytics],
        start: Annotated[str, Query(name="from", max_length=40,
                                    description="YYYY-MM-DD (UTC day) or an aware datetime")],
        end: Annotated[str, Query(name="to", max_length=40,
                                  description="YYYY-MM-DD (inclusive) or an aware datetime")],
        course_id: Annotated[str | None, Query(max_length=64)] = None) -> AnalyticsOut:
    actor.require(Role.ADMIN)  # a student hears 403 before any word about the dates
    since, until = parse_range(start, end)
    return AnalyticsOut.of(await get_analytics(AnalyticsQuery(actor, since, until, course_id)))


# The API route and the console's page and CSV files, for app.py to register in one go.
ANALYTICS_ROUTES = (analytics, *ADMIN_ANALYTICS_ROUTES)
