"""The partial days at the edges of an analytics range, read live from the rows.

A range that does not start or end at UTC midnight has parts of a day the rollups
cannot answer; those are read from the payments, enrollments and audit entries
themselves, through covering indexes (`ix_payments_analytics`,
`ix_enrollments_analytics`, `ix_enrollments_course`, `ix_audit_entries_transition`), in
the same five groupings as the rollups so the two parts add up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.analytics_expressions import utc_date, whole_seconds_between
from adapters.sql.analytics_sums import AnalyticsSums
from adapters.sql.record_tables import AuditEntryRow
from adapters.sql.tables import EnrollmentRow, PaymentRow
from application.ports import DEFAULT_REASON, PAID_STATUSES
from domain.payment import PaymentStatus

_P = PaymentRow.__table__  # type: ignore[attr-defined]
_E = EnrollmentRow.__table__  # type: ignore[attr-defined]
_A = AuditEntryRow.__table__  # type: ignore[attr-defined]
# Every status, listed: the analytics index leads with the status, and an IN list lets
# both engines read one slice of it per status instead of the whole range.
_EVERY_STATUS = sorted(s.value for s in PaymentStatus)
_PAID = sorted(PAID_STATUSES)


async def add_partial_days(conn: AsyncConnection, start: datetime, end: datetime,
                           course: str | None, sums: AnalyticsSums) -> None:
    """Add [start, end) (of one course, or all) to `sums`, counted from the rows."""
    def payments(statement: Any, statuses: list[str]) -> Any:
        statement = statement.where(_P.c.status.in_(statuses), _P.c.created_at >= start,
                                    _P.c.created_at < end)
        if course is None:
            return statement
        return statement.join(_E, _E.c.id == _P.c.enrollment_id).where(
            _E.c.course_id == course)

    statement = (select(_E.c.course_id, func.count())
                 .where(_E.c.created_at >= start, _E.c.created_at < end)
                 .group_by(_E.c.course_id))
    if course is not None:
        statement = statement.where(_E.c.course_id == course)
    sums.enrollments.update({c: int(n) for c, n in (await conn.execute(statement)).all()})

    statement = (select(_E.c.course_id, _P.c.status, func.count())
                 .select_from(_P.join(_E, _E.c.id == _P.c.enrollment_id))
                 .where(_P.c.status.in_(_EVERY_STATUS), _P.c.created_at >= start,
                        _P.c.created_at < end)
                 .group_by(_E.c.course_id, _P.c.status))
    if course is not None:
        statement = statement.where(_E.c.course_id == course)
    sums.checkouts.update({(c, s): int(n) for c, s, n in (await conn.execute(statement)).all()})

    statement = payments(select(_P.c.status, _P.c.failure_code, func.count()).select_from(_P),
                         sorted(DEFAULT_REASON)).group_by(_P.c.status, _P.c.failure_code)
    for status, code, n in (await conn.execute(statement)).all():
        sums.reasons[(status, code or DEFAULT_REASON[status])] += int(n)

    day = utc_date(_P.c.created_at)
    refunded = case((_P.c.refunded_minor > 0, 1), else_=0)
    statement = payments(
        select(day, _P.c.currency, func.count(), func.sum(_P.c.captured_minor),
               func.sum(refunded), func.sum(_P.c.refunded_minor)).select_from(_P), _PAID
    ).group_by(day, _P.c.currency)
    for d, currency, *values in (await conn.execute(statement)).all():
        sums.add_revenue(d, currency, *values)

    # The first `succeeded` of each paid checkout's audit trail (index only).
    paid_at = (select(func.min(_A.c.at)).where(
        _A.c.entity_id == _P.c.id, _A.c.to_status == "succeeded", _A.c.entity == "payment")
        .scalar_subquery())
    paid = payments(select(_P.c.created_at, paid_at.label("paid_at")).select_from(_P),
                    _PAID).subquery()
    seconds = whole_seconds_between(paid.c.paid_at, paid.c.created_at)
    statement = (select(seconds, func.count()).where(paid.c.paid_at.is_not(None))
                 .group_by(seconds))
    sums.seconds.update({int(s): int(n) for s, n in (await conn.execute(statement)).all()})
