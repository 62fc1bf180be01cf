"""One entity object per row per unit of work, and what changed since it was read.

A snapshot of each loaded row's values tells commit which entities to write; an entity
that recorded events counts as changed even when no column moved (an anomaly event),
exactly as the memory unit of work decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters.sql.risk_tables import CourseProgressRow, RiskCounterRow, RiskFlagRow, RiskRuleRow
from adapters.sql.tables import EnrollmentRow, PaymentRow, RefundRow

# Parents before children: the order inserts must follow for the foreign keys.
KINDS: dict[str, Any] = {"enrollments": EnrollmentRow, "payments": PaymentRow,
                         "refunds": RefundRow}
# The risk rules' rows (no foreign keys), written with the action they judged.
KINDS |= {"risk_rules": RiskRuleRow, "risk_counters": RiskCounterRow,
          "risk_flags": RiskFlagRow, "course_progress": CourseProgressRow}


@dataclass
class Tracked:
    kind: str
    entity: Any
    loaded_version: int | None  # None: added in this unit of work, not yet stored
    snapshot: dict[str, Any] | None = None

    @property
    def id(self) -> str:
        return self.entity.id  # type: ignore[no-any-return]

    @property
    def table(self) -> Any:
        return KINDS[self.kind]

    @property
    def next_version(self) -> int:
        base = self.entity.version if self.loaded_version is None else self.loaded_version
        return base + 1  # type: ignore[no-any-return]

    def values(self) -> dict[str, Any]:
        """Column values to store, with the version this write produces."""
        values: dict[str, Any] = self.table.values_of(self.entity)
        values["version"] = self.next_version
        return values

    def state(self) -> dict[str, Any]:
        values: dict[str, Any] = self.table.values_of(self.entity)
        del values["version"]
        return values

    @property
    def is_changed(self) -> bool:
        return bool(self.entity.events) or self.state() != self.snapshot


class IdentityMap:
    def __init__(self) -> None:
        self._tracked: dict[tuple[str, str], Tracked] = {}

    def clear(self) -> None:
        self._tracked.clear()

    def add_new(self, kind: str, entity: Any) -> None:
        self._tracked[(kind, entity.id)] = Tracked(kind, entity, None)

    def get(self, kind: str, entity_id: str) -> Any | None:
        tracked = self._tracked.get((kind, entity_id))
        return None if tracked is None else tracked.entity

    def adopt(self, kind: str, row: Any) -> Any:
        """The entity for a row just read (a SQLAlchemy Row): the one already handed out,
        or a new one. The row classes' `to_domain` reads only attributes, so it maps the
        Row itself: building the SQLModel instance first (pydantic and SQLAlchemy's
        instance state) cost more than the rest of the read (profile in
        docs/benchmarks.md)."""
        known = self.get(kind, row.id)
        if known is not None:
            return known
        entity = KINDS[kind].to_domain(row)
        tracked = Tracked(kind, entity, entity.version)
        tracked.snapshot = tracked.state()
        self._tracked[(kind, entity.id)] = tracked
        return entity

    def entities(self, kind: str) -> list[Any]:
        return [t.entity for (k, _), t in self._tracked.items() if k == kind]

    def new(self) -> list[Tracked]:
        return [t for t in self._tracked.values() if t.loaded_version is None]

    def changed(self) -> list[Tracked]:
        return [t for t in self._tracked.values()
                if t.loaded_version is not None and t.is_changed]
