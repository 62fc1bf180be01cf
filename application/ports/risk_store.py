"""Port: the risk rules' storage, seen from inside one unit of work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from application.ports.unit_of_work import UnitOfWork
from domain.risk import RiskRule
from domain.risk_records import CourseProgress, RiskCounter, RiskFlag


class RiskStore(Protocol):
    """The risk rules' rows, bound to the unit of work of the action they guard
    (`RiskStores(uow)`).

    Contract: a rule's counters, flags and progress commit together with the checkout,
    payment end or refund they judged — or not at all; changed rows are version-checked
    at commit like entities (`ConcurrentUpdate` on a lost race). `counters` locks what
    it returns until the unit of work ends, so concurrent judgements of one counter
    serialise and a limit of N lets exactly N through.
    """

    async def rules(self) -> dict[str, RiskRule]:
        """Every rule by id (the defaults the migration shipped, as changed since)."""
        ...

    async def counters(self, ids: Sequence[str]) -> dict[str, RiskCounter]:
        """The counters that exist among `ids`, locked until this unit of work ends
        (PostgreSQL: SELECT ... FOR UPDATE in id order; a counter not there yet is
        inserted on commit and a concurrent insert of it loses the race)."""
        ...

    async def add_counter(self, counter: RiskCounter) -> None: ...

    async def count_marks(self, rule_id: str, subject: str, start: datetime) -> int:
        """Committed rows of (rule, subject, window): one per declined payment."""
        ...

    async def flags_on(self, subjects: Sequence[str], at: datetime) -> list[RiskFlag]:
        """Flags on these subjects whose window has not ended at `at` (`until` after it,
        or none), lifted ones included: a lift exempts until the window ends."""
        ...

    async def flag(self, flag_id: str) -> RiskFlag | None: ...
    async def add_flag(self, flag: RiskFlag) -> None: ...

    async def recent_flags(self, limit: int) -> list[RiskFlag]:
        """Newest first: blocks and reviews for the operator."""
        ...

    async def progress(self, enrollment_id: str) -> CourseProgress | None: ...
    async def add_progress(self, progress: CourseProgress) -> None: ...


RiskStores = Callable[[UnitOfWork], RiskStore]
