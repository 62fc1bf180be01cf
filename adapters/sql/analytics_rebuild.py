"""The analytics rollups computed from scratch, and read back for comparison.

The unit of work keeps the rollups by adding each write's difference
(analytics_rollup.py); `rebuild` recomputes them from the rows instead (migration 0010
does the same in plain SQL), for the bench's file, a repair, and the tests that hold the
kept rollups to what a rebuild computes (`rollups_of`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, case, delete, func, insert, select

from adapters.sql.analytics_expressions import utc_date, whole_seconds_between
from adapters.sql.analytics_rollup import CHECKOUT_DAYS, ENROLLMENT_DAYS, TIME_TO_PAY_DAYS
from adapters.sql.record_tables import AuditEntryRow
from adapters.sql.tables import EnrollmentRow, PaymentRow
from application.ports import PAID_STATUSES

_P = PaymentRow.__table__  # type: ignore[attr-defined]
_E = EnrollmentRow.__table__  # type: ignore[attr-defined]
_A = AuditEntryRow.__table__  # type: ignore[attr-defined]


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
