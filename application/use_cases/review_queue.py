"""The payments an operator has to look at: those held with a `review_reason`."""

from __future__ import annotations

from application.actor import Actor, Role
from application.ports import MonitoringQueries
from domain.payment import Payment


class PaymentsNeedingReview:
    def __init__(self, queries: MonitoringQueries) -> None:
        self._queries = queries

    async def __call__(self, actor: Actor, limit: int = 20) -> list[Payment]:
        actor.require(Role.ADMIN)
        return await self._queries.needing_review(limit)
