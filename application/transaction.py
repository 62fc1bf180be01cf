"""Run one unit of work: commit, then publish what it recorded; retry lost races."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from application.errors import ConcurrentUpdate
from application.ports import Notifier, UnitOfWork, UnitOfWorkFactory
from application.probes import BEFORE_COMMIT, NoProbe, Probe

T = TypeVar("T")

CONFLICT_RETRIES = 5


class Transactions:
    """The only way use-cases touch storage: one transaction per call.

    A `ConcurrentUpdate` (optimistic-lock conflict) re-runs the whole function on fresh
    state, a bounded number of times, so every decision is made on current data.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, notifier: Notifier,
                 probe: Probe | None = None) -> None:
        self._uow_factory = uow_factory
        self._notifier = notifier
        self._probe = probe or NoProbe()

    async def run(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        for attempt in range(CONFLICT_RETRIES + 1):
            try:
                async with self._uow_factory() as uow:
                    result = await work(uow)
                    self._probe.reached(BEFORE_COMMIT)
                    events = await uow.commit()
            except ConcurrentUpdate:
                if attempt == CONFLICT_RETRIES:
                    raise
                continue
            if events:
                await self._notifier.publish(events)
            return result
        raise ConcurrentUpdate()  # pragma: no cover - loop always returns or raises
