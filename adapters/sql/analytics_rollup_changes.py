"""What one write changes in the analytics rollups, as deltas per rollup row.

For each payment or enrollment the unit of work wrote: what the row contributes now
minus what it contributed when read (nothing, when new), keyed like the rollup rows
(analytics_tables.py). Kept apart from the upserts (analytics_rollup.py) because this
is where the meaning lives: which day, course and outcome a checkout counts under, and
when it enters the time-to-pay histogram.

Time to pay: a checkout enters the histogram when its payment first becomes paid
(succeeded, later perhaps refunded: the domain never takes a paid payment back), with
the seconds from its start to the first `succeeded` entry of its audit trail, which is
written in the same transaction (read from the audit table only if it is not).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.record_tables import AuditEntryRow
from adapters.sql.tables import EnrollmentRow
from application.ports import PAID_STATUSES

_E = EnrollmentRow.__table__  # type: ignore[attr-defined]
_A = AuditEntryRow.__table__  # type: ignore[attr-defined]

Deltas = dict[tuple[Any, ...], list[int]]


@dataclass(frozen=True)
class CourseOf:
    """The course of an enrollment this write did not read: the upsert looks it up
    itself (a subquery in its VALUES), which saves a round trip for the usual write."""

    enrollment_id: str

    def __str__(self) -> str:  # the upserts order their keys by text
        return f"course of {self.enrollment_id}"


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


class RollupChanges:
    """The deltas of one write, per rollup table."""

    def __init__(self) -> None:
        self.checkouts: Deltas = {}
        self.time_to_pay: Deltas = {}
        self.enrollments: Deltas = {}


def enrollment_changes(enrollments: list[Any], changes: RollupChanges) -> None:
    """An enrollment counts once, on the UTC day it was created, under its course."""
    for tracked in enrollments:
        now = tracked.state()
        if tracked.snapshot is not None:
            before = tracked.snapshot
            _add(changes.enrollments, (utc_day_of(before["created_at"]), before["course_id"]),
                 [1], -1)
        _add(changes.enrollments, (utc_day_of(now["created_at"]), now["course_id"]), [1], 1)


async def payment_changes(conn: AsyncConnection, payments: list[Any], entries: Iterable[Any],
                          enrollment_of: Callable[[str], Any | None],
                          changes: RollupChanges) -> None:
    """A checkout counts on the UTC day it started, under its course, status, failure
    code and currency; and in the histogram from the moment it is paid."""
    states = [(t, t.snapshot, t.state()) for t in payments]
    states = [(t, before, now) for t, before, now in states if before != now]
    if not states:
        return
    courses: dict[str, Any] = {}  # a course id, or CourseOf the enrollment
    missing = set()
    for _, _, now in states:
        enrollment = enrollment_of(now["enrollment_id"])
        if enrollment is None:
            missing.add(now["enrollment_id"])
        else:
            courses[now["enrollment_id"]] = enrollment.course_id
    if len(missing) == 1:  # the usual write (one checkout): looked up inside the upserts
        eid = missing.pop()
        courses[eid] = CourseOf(eid)
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
