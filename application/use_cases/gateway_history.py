"""The gateway's own view of a period (admin), passed through in our words."""

from __future__ import annotations

from datetime import date

from application.actor import Actor, Role
from application.ports import PaymentGateway
from application.use_cases.reconcile import check_period
from domain.gateway_report import GatewayReport


class GatewayHistory:
    def __init__(self, gateway: PaymentGateway) -> None:
        self._gateway = gateway

    async def __call__(self, actor: Actor, start: date, end: date) -> list[GatewayReport]:
        """Collected before answering, so a gateway failure is a clean problem response."""
        actor.require(Role.ADMIN)
        check_period(start, end)
        return [report async for report in self._gateway.history(start, end)]
