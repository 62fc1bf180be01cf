"""Port: payment analytics, read-only aggregates over our own records."""

from __future__ import annotations

from typing import Protocol

from application.ports.analytics_records import AnalyticsFacts, AnalyticsRange


class AnalyticsQueries(Protocol):
    """Every figure of one cohort (see analytics_records.py).

    Contract: read-only over committed data; the SQL and memory adapters answer the
    same questions from the same facts with the same numbers (the contract test holds
    them to it), lists in a stable order (course, status, day), money as integer minor
    units with its currency.
    """

    async def facts(self, period: AnalyticsRange) -> AnalyticsFacts:
        """Every aggregate of the range; lists in a stable order (course, status, day)."""
        ...
