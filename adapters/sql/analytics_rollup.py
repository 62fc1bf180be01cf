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
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.analytics_rollup_changes import (
    Deltas,
    RollupChanges,
    enrollment_changes,
    payment_changes,
)
from adapters.sql.analytics_tables import CheckoutDayRow, EnrollmentDayRow, TimeToPayDayRow

CHECKOUT_DAYS = CheckoutDayRow.__table__  # type: ignore[attr-defined]
TIME_TO_PAY_DAYS = TimeToPayDayRow.__table__  # type: ignore[attr-defined]
ENROLLMENT_DAYS = EnrollmentDayRow.__table__  # type: ignore[attr-defined]


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
    if not rows:
        return
    keys = [c.name for c in table.primary_key.columns]
    sums = [c.name for c in table.columns if not c.primary_key]
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(table).values(
        [dict(zip(keys + sums, (*k, *v), strict=True)) for k, v in rows])
    await conn.execute(statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: table.c[name] + statement.excluded[name] for name in sums}))
