"""Keeps the analytics rollups (analytics_tables.py) in step with every write.

The SQL unit of work calls `record_rollups` at the end of its write transaction, after
the entities and their audit entries are written: for each payment or enrollment it
wrote, what the row contributes now minus what it contributed when read (nothing, when
new) is added to the day rows it touches, in one upsert per rollup table. Nothing else
writes payments or enrollments, so the rollups always equal what `rebuild` would compute
from the rows (a test holds them to it); `rebuild` fills them from scratch (migration
0010 does the same in plain SQL).

Why in the transaction rather than by a worker: the figures stay exact (no staleness to
report, the same numbers as reading the rows), and it costs one statement per write that
changes a checkout's outcome or adds an enrollment. The upserts are the last statements
before COMMIT, in a fixed order of tables and keys, so concurrent writers wait on a day
row for one COMMIT at most and cannot deadlock on them.

Time to pay: a checkout enters the histogram when its payment first becomes paid
(succeeded, later perhaps refunded: the domain never takes a paid payment back), with
the seconds from its start to the first `succeeded` entry of its audit trail, which is
written in the same transaction (read from the audit table only if it is not).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, case, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.analytics import utc_date, whole_seconds_between
from adapters.sql.analytics_tables import CheckoutDayRow, EnrollmentDayRow, TimeToPayDayRow
from adapters.sql.record_tables import AuditEntryRow
from adapters.sql.tables import EnrollmentRow, PaymentRow
from application.ports import PAID_STATUSES

CHECKOUT_DAYS = CheckoutDayRow.__table__  # type: ignore[attr-defined]
TIME_TO_PAY_DAYS = TimeToPayDayRow.__table__  # type: ignore[attr-defined]
ENROLLMENT_DAYS = EnrollmentDayRow.__table__  # type: ignore[attr-defined]
_P = PaymentRow.__table__  # type: ignore[attr-defined]
_E = EnrollmentRow.__table__  # type: ignore[attr-defined]
_A = AuditEntryRow.__table__  # type: ignore[attr-defined]

Deltas = dict[tuple[Any, ...], list[int]]


def utc_day_of(at: datetime) -> date:
    return at.astimezone(UTC).date()


def whole_seconds(later: datetime, earlier: datetime) -> int:
    """Seconds between two instants, rounded half up (as the memory adapter counts)."""
    return math.floor((later - earlier).total_seconds() + 0.5)


def _checkout_line(row: dict[str, Any], course: Any) -> tuple[tuple[Any, ...], list[int]]:
    key = (utc_day_of(row["created_at"]), course, row["status"], row["failure_code"] or "",
           row["currency"])
    refunded = row["refunded_minor"]
    return key, [1, row["captured_minor"], 1 if refunded > 0 else 0, refunded]


def _add(deltas: Deltas, key: tuple[Any, ...], values: list[int], sign: int) -> None:
    line = deltas.setdefault(key, [0] * len(values))
    for i, v in enumerate(values):
        line[i] += sign * v


class _Changes:
    def __init__(self) -> None:
        self.checkouts: Deltas = {}
        self.time_to_pay: Deltas = {}
        self.enrollments: Deltas = {}


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
    changes = _Changes()
    for tracked in enrollments:
        now = tracked.state()
        if tracked.snapshot is not None:
            before = tracked.snapshot
            _add(changes.enrollments, (utc_day_of(before["created_at"]), before["course_id"]),
                 [1], -1)
        _add(changes.enrollments, (utc_day_of(now["created_at"]), now["course_id"]), [1], 1)
    if payments:
        await _payment_changes(conn, payments, entries, enrollment_of, changes)
    dialect = conn.dialect.name
    for table, deltas in ((ENROLLMENT_DAYS, changes.enrollments),
                          (CHECKOUT_DAYS, changes.checkouts),
                          (TIME_TO_PAY_DAYS, changes.time_to_pay)):
        await _upsert(conn, dialect, table, deltas)


async def _payment_changes(conn: AsyncConnection, payments: list[Any], entries: Iterable[Any],
                           enrollment_of: Callable[[str], Any | None],
                           changes: _Changes) -> None:
    states = [(t, t.snapshot, t.state()) for t in payments]
    states = [(t, before, now) for t, before, now in states if before != now]
    if not states:
        return
    courses: dict[str, Any] = {}  # a course id, or the subquery that reads it
    missing = set()
    for _, _, now in states:
        enrollment = enrollment_of(now["enrollment_id"])
        if enrollment is None:
            missing.add(now["enrollment_id"])
        else:
            courses[now["enrollment_id"]] = enrollment.course_id
    if len(missing) == 1:  # the usual write (one checkout): looked up inside the upserts
        eid = missing.pop()
        courses[eid] = select(_E.c.course_id).where(_E.c.id == eid).scalar_subquery()
    elif missing:  # several: their keys may merge, so read them first
        found = await conn.execute(select(_E.c.id, _E.c.course_id).where(_E.c.id.in_(missing)))
        courses.update({eid: course for eid, course in found.all()})
    first_paid: dict[str, datetime] = {}
    for entry in entries:
        if entry.entity == "payment" and entry.to_status == "succeeded":
            known = first_paid.get(entry.entity_id)
            first_paid[entry.entity_id] = entry.at if known is None else min(known, entry.at)
    for tracked, before, now in states:
        course = courses[now["enrollment_id"]]
        if before is not None:
            key, values = _checkout_line(before, course)
            _add(changes.checkouts, key, values, -1)
        key, values = _checkout_line(now, course)
        _add(changes.checkouts, key, values, 1)
        was_paid = before is not None and before["status"] in PAID_STATUSES
        is_paid = now["status"] in PAID_STATUSES
        if was_paid != is_paid:
            paid_at = first_paid.get(tracked.id) or await _first_paid_at(conn, tracked.id)
            if paid_at is not None:
                _add(changes.time_to_pay, (utc_day_of(now["created_at"]), course,
                                           whole_seconds(paid_at, now["created_at"])),
                     [1], 1 if is_paid else -1)


async def _first_paid_at(conn: AsyncConnection, payment_id: str) -> datetime | None:
    statement = select(func.min(_A.c.at)).where(
        _A.c.entity_id == payment_id, _A.c.to_status == "succeeded", _A.c.entity == "payment")
    return (await conn.execute(statement)).scalar_one_or_none()  # type: ignore[no-any-return]


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


# -- from scratch ------------------------------------------------------------------------
def rebuild(conn: Connection) -> None:
    """Recompute every rollup from the rows (the bench's file, a repair, the tests)."""
    for table in (CHECKOUT_DAYS, TIME_TO_PAY_DAYS, ENROLLMENT_DAYS):
        conn.execute(delete(table))
    day = utc_date(_P.c.created_at)
    paid_at = (select(_A.c.entity_id, func.min(_A.c.at).label("at"))
               .where(_A.c.to_status == "succeeded", _A.c.entity == "payment")
               .group_by(_A.c.entity_id).subquery())
    with_course = _P.join(_E, _E.c.id == _P.c.enrollment_id)
    failure_code = func.coalesce(_P.c.failure_code, "")
    conn.execute(insert(CHECKOUT_DAYS).from_select(
        ["day", "course_id", "status", "failure_code", "currency", "checkouts",
         "captured_minor", "refunded", "refunded_minor"],
        select(day, _E.c.course_id, _P.c.status, failure_code, _P.c.currency, func.count(),
               func.sum(_P.c.captured_minor),
               func.sum(case((_P.c.refunded_minor > 0, 1), else_=0)),
               func.sum(_P.c.refunded_minor)).select_from(with_course)
        .group_by(day, _E.c.course_id, _P.c.status, failure_code, _P.c.currency)))
    seconds = whole_seconds_between(paid_at.c.at, _P.c.created_at)
    conn.execute(insert(TIME_TO_PAY_DAYS).from_select(
        ["day", "course_id", "seconds", "paid"],
        select(day, _E.c.course_id, seconds, func.count())
        .select_from(with_course.join(paid_at, paid_at.c.entity_id == _P.c.id))
        .where(_P.c.status.in_(sorted(PAID_STATUSES)))
        .group_by(day, _E.c.course_id, seconds)))
    enrolled = utc_date(_E.c.created_at)
    conn.execute(insert(ENROLLMENT_DAYS).from_select(
        ["day", "course_id", "enrollments"],
        select(enrolled, _E.c.course_id, func.count()).group_by(enrolled, _E.c.course_id)))


def rollups_of(conn: Connection) -> dict[str, set[tuple[Any, ...]]]:
    """Every non-zero rollup row, for comparing the kept rollups with a rebuild."""
    out: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    for table in (CHECKOUT_DAYS, TIME_TO_PAY_DAYS, ENROLLMENT_DAYS):
        sums = [c for c in table.columns if not c.primary_key]
        rows = conn.execute(select(table).where(sums[0] != 0))
        out[table.name] = {tuple(r) for r in rows.all()}
    return dict(out)
