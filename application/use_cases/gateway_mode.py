"""Switch the gateway between test and live paylinks at runtime, without a deploy.

Production only ever runs live: switching to test there is refused (test paylinks
would hand out courses for no money). Every switch is written to the audit trail.
"""

from __future__ import annotations

from application.actor import Actor, Role
from application.errors import InvalidInput
from application.ports import AuditEntry, Clock, GatewayModeSwitch, UnitOfWork
from application.transaction import Transactions

MODES = ("test", "live")


class GatewayMode:
    def __init__(self, switch: GatewayModeSwitch, tx: Transactions, clock: Clock,
                 production: bool) -> None:
        self._switch, self._tx, self._clock = switch, tx, clock
        self._production = production

    def current(self, actor: Actor) -> str:
        actor.require(Role.ADMIN)
        return self._switch.current()

    async def change(self, actor: Actor, mode: str) -> str:
        actor.require(Role.ADMIN)
        if mode not in MODES:
            raise InvalidInput(f"mode must be one of {', '.join(MODES)}")
        before = self._switch.current()
        if self._production and mode == "test":
            raise InvalidInput("production never takes test payments", "gateway_mode_refused")
        if mode == before:
            return before

        async def record(uow: UnitOfWork) -> None:
            await uow.audit.append(AuditEntry(
                at=self._clock.now(), actor=actor.label, entity="gateway", entity_id="mode",
                action="GatewayModeChanged", from_status=before, to_status=mode))

        await self._tx.run(record)
        self._switch.set(mode)
        return mode
