"""Port: read-only questions over our own records, for stats and the operator page."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from application.ports.monitoring_records import GatewayCall, PaymentPoint, StatusTotal
from domain.payment import Payment


class MonitoringQueries(Protocol):
    """Read-only questions over our own records, for stats and the operator page.

    Contract: reads committed data only and writes nothing; each answer is bounded by
    its `limit` and ordered as documented per method.
    """

    async def payment_totals(self, since: datetime) -> list[StatusTotal]: ...

    async def payment_points(self, since: datetime, limit: int) -> list[PaymentPoint]:
        """Newest first, at most `limit`."""
        ...

    async def gateway_calls(self, since: datetime, limit: int) -> list[GatewayCall]:
        """Newest first, at most `limit`."""
        ...

    async def needing_review(self, limit: int) -> list[Payment]:
        """Payments with a `review_reason`, most recently updated first."""
        ...
