"""Keeps the analytics rollups (analytics_tables.py) in step with every write.

The SQL unit of work calls `record_rollups` at the end of its write transaction, after
the entities and their audit entries are written: for each payment or enrollment it
wrote, what the row contributes now minus what it contributed when read (nothing, when
new; analytics_rollup_changes.py) is added to the day rows it touches, in one upsert per
rollup table. Nothing else writes payments or enrollments, so the rollups always equal
what `rebuild` (analytics_rebuild.py) would compute from the rows (a test holds them to
it).

Why in the transaction rather than by a worker: the figures stay exact (no staleness to
report, the same numbers as reading the rows), and it costs one statement per write that
changes a checkout's outcome or adds an enrollment. The upserts are the last statements
before COMMIT, in a fixed order of tables and keys, so concurrent writers wait on a day
row for one COMMIT at most and cannot deadlock on them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from itertools import groupby
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.analytics_rollup_changes import (
    CourseOf,
    Deltas,
    RollupChanges,
    enrollment_changes,
    payment_changes,
)
from adapters.sql.analytics_tables import CheckoutDayRow, EnrollmentDayRow, TimeToPayDayRow
from adapters.sql.tables import EnrollmentRow

CHECKOUT_DAYS = CheckoutDayRow.__table__  # type: ignore[attr-defined]
TIME_TO_PAY_DAYS = TimeToPayDayRow.__table__  # type: ignore[attr-defined]
ENROLLMENT_DAYS = EnrollmentDayRow.__table__  # type: ignore[attr-defined]
_E = EnrollmentRow.__table__  # type: ignore[attr-defined]


async def record_rollups(conn: AsyncConnection, written: Iterable[Any], entries: Iterable[Any],
                         enrollment_of: Callable[[str], Any | None]) -> None:
    """Add what `written` (the unit of work's new and changed Tracked entities) changed
    to the rollups. `entries`: the audit entries of this write; `enrollment_of`: an
    enrollment the unit of work already holds, by id (or None)."""
    payments, enrollments = [], []
    for tracked in written:
        if tracked.kind == "payments":
            payments.append(tracked)
        elif tracked.kind == "enrollments":
            enrollments.append(tracked)
    if not payments and not enrollments:
        return
    changes = RollupChanges()
    enrollment_changes(enrollments, changes)
    if payments:
        await payment_changes(conn, payments, entries, enrollment_of, changes)
    dialect = conn.dialect.name
    for table, deltas in ((ENROLLMENT_DAYS, changes.enrollments),
                          (CHECKOUT_DAYS, changes.checkouts),
                          (TIME_TO_PAY_DAYS, changes.time_to_pay)):
        await _upsert(conn, dialect, table, deltas)


async def _upsert(conn: AsyncConnection, dialect: str, table: Any, deltas: Deltas) -> None:
    # A fixed order of keys (a course looked up in SQL stands for one course throughout).
    rows = sorted(((k, v) for k, v in deltas.items() if any(v)),
                  key=lambda kv: tuple(str(part) for part in kv[0]))
    names = [c.name for c in table.primary_key.columns] + [
        c.name for c in table.columns if not c.primary_key]
    for course_of, run in groupby(rows, key=lambda kv: isinstance(kv[0][1], CourseOf)):
        params = [dict(zip(names, (*k, *v), strict=True)) for k, v in run]
        if course_of:
            for one in params:
                one["course_of"] = one.pop("course_id").enrollment_id
        statement = _statement(dialect, table, course_of)
        await conn.execute(statement, params[0] if len(params) == 1 else params)


@cache
def _statement(dialect: str, table: Any, course_of: bool) -> Any:
    """The upsert of one day row, built once: SQLAlchemy caches its compiled form (a
    multi-row VALUES built from the rows each time has no cache key and was compiled
    on every write: 8 % of a checkout's CPU). Several rows go as an executemany."""
    keys = [c.name for c in table.primary_key.columns]
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    if course_of:
        statement = statement.values(course_id=select(_E.c.course_id).where(
            _E.c.id == bindparam("course_of")).scalar_subquery())
    return statement.on_conflict_do_update(
        index_elements=keys, set_={c.name: c + statement.excluded[c.name]
                                   for c in table.columns if not c.primary_key})
