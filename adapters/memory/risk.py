"""The risk store over a MemoryUnitOfWork's view: rows are its entities, so counters and
flags commit with the action they judged, under the same version checks (a stale count
loses the race and the use-case re-runs)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.memory.view import MemoryView
from application.ports import UnitOfWork
from domain.risk import RiskRule
from domain.risk_records import CourseProgress, RiskCounter, RiskFlag


class MemoryRiskStore:
    def __init__(self, view: MemoryView) -> None:
        self._view = view

    def _all(self, kind: str) -> list[Any]:
        ids = [row.id for row in self._view.all_rows(kind)]
        return [e for e in (self._view.load(kind, i) for i in ids) if e is not None]

    async def rules(self) -> dict[str, RiskRule]:
        return {r.id: r for r in self._all("risk_rules")}

    async def counters(self, ids: Sequence[str]) -> dict[str, RiskCounter]:
        found = (self._view.load("risk_counters", i) for i in ids)
        return {c.id: c for c in found if c is not None}

    async def add_counter(self, counter: RiskCounter) -> None:
        self._view.stage_new("risk_counters", counter)

    async def count_marks(self, rule_id: str, subject: str, start: datetime) -> int:
        return sum(1 for c in self._view.store.risk_counters.values()
                   if (c.rule_id, c.subject, c.window_start) == (rule_id, subject, start))

    async def flags_on(self, subjects: Sequence[str], at: datetime) -> list[RiskFlag]:
        wanted = set(subjects)
        return sorted((f for f in self._all("risk_flags") if f.subject in wanted
                       and (f.until is None or f.until > at)),
                      key=lambda f: (f.created_at, f.id))

    async def flag(self, flag_id: str) -> RiskFlag | None:
        return self._view.load("risk_flags", flag_id)  # type: ignore[no-any-return]

    async def add_flag(self, flag: RiskFlag) -> None:
        self._view.stage_new("risk_flags", flag)

    async def recent_flags(self, limit: int) -> list[RiskFlag]:
        return sorted(self._all("risk_flags"), key=lambda f: (f.created_at, f.id),
                      reverse=True)[:limit]

    async def progress(self, enrollment_id: str) -> CourseProgress | None:
        return self._view.load("course_progress", enrollment_id)  # type: ignore[no-any-return]

    async def add_progress(self, progress: CourseProgress) -> None:
        self._view.stage_new("course_progress", progress)


def memory_risk_store(uow: UnitOfWork) -> MemoryRiskStore:
    if not isinstance(uow, MemoryUnitOfWork):
        raise TypeError(f"the memory risk store needs a MemoryUnitOfWork, not "
                        f"{type(uow).__name__}")
    return MemoryRiskStore(uow.view)
