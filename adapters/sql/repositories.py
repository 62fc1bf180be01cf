"""Payment, enrollment and refund repositories over a unit of work's SqlSession.

Queries see what the memory adapter sees: committed rows overlaid with this unit of
work's own additions and changes. SQL narrows the candidates; the same predicate then
runs on the identity-mapped entities, so an entity changed in this unit of work is
judged by its current state, not by the stored one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_

from adapters.sql.session import SqlSession
from adapters.sql.tables import EnrollmentRow, PaymentRow, RefundRow
from application.ports import Page, PageRequest, PaymentFilter
from domain.enrollment import HOLDING, Enrollment
from domain.payment import OPEN, Payment
from domain.refund import Refund, RefundStatus

_P = PaymentRow.__table__.c  # type: ignore[attr-defined]
_R = RefundRow.__table__.c  # type: ignore[attr-defined]
_E = EnrollmentRow.__table__.c  # type: ignore[attr-defined]


def _newest_first(items: list[Any]) -> list[Any]:
    return sorted(items, key=lambda e: (e.created_at, e.id), reverse=True)


class _Repository:
    kind = ""

    def __init__(self, session: SqlSession) -> None:
        self._session = session

    async def add(self, entity: Any) -> None:
        self._session.identity.add_new(self.kind, entity)

    async def get(self, entity_id: str) -> Any | None:
        return await self._session.load(self.kind, entity_id)

    async def _find(self, statement: Any, keep: Callable[[Any], bool]) -> list[Any]:
        found = await self._session.select_entities(self.kind, statement)
        pool = {e.id: e for e in [*found, *self._session.identity.entities(self.kind)]}
        return sorted((e for e in pool.values() if keep(e)), key=lambda e: (e.created_at, e.id))


class SqlPayments(_Repository):
    kind = "payments"

    async def get(self, payment_id: str) -> Payment | None:
        return await self._session.load(self.kind, payment_id)  # type: ignore[no-any-return]

    async def get_by_paylink(self, paylink_id: str) -> Payment | None:
        found = await self._find(select(PaymentRow.__table__).where(_P.paylink_id == paylink_id),  # type: ignore[attr-defined]
                                 lambda p: p.paylink_id == paylink_id)
        return found[0] if found else None

    async def get_by_idempotency_key(self, student_id: str, key: str) -> Payment | None:
        statement = select(PaymentRow.__table__).where(  # type: ignore[attr-defined]
            _P.student_id == student_id, _P.idempotency_key == key)
        found = await self._find(statement, lambda p: p.student_id == student_id
                                 and p.idempotency_key == key)
        return found[0] if found else None

    async def for_enrollment(self, enrollment_id: str) -> list[Payment]:
        statement = select(PaymentRow.__table__).where(  # type: ignore[attr-defined]
            _P.enrollment_id == enrollment_id)
        return await self._find(statement, lambda p: p.enrollment_id == enrollment_id)

    async def due_for_recheck(self, now: datetime, limit: int) -> list[Payment]:
        def due(p: Payment) -> bool:
            return p.status in OPEN and p.recheck_at is not None and p.recheck_at <= now

        statement = (select(PaymentRow.__table__)  # type: ignore[attr-defined]
                     .where(_P.recheck_at <= now, _P.status.in_([s.value for s in OPEN]))
                     .order_by(_P.recheck_at, _P.id).limit(limit))
        found = await self._find(statement, due)
        return sorted(found, key=lambda p: (p.recheck_at, p.id))[:limit]

    async def open_created_before(self, cutoff: datetime, limit: int,
                                  after: tuple[datetime, str] | None = None) -> list[Payment]:
        conditions = [_P.status.in_([s.value for s in OPEN]), _P.created_at <= cutoff]
        if after is not None:
            conditions.append(tuple_(_P.created_at, _P.id) > tuple_(*after))
        statement = (select(PaymentRow.__table__)  # type: ignore[attr-defined]
                     .where(*conditions).order_by(_P.created_at, _P.id).limit(limit))
        found = await self._find(statement, lambda p: p.status in OPEN and p.created_at <= cutoff
                                 and (after is None or (p.created_at, p.id) > after))
        return found[:limit]

    async def list(self, where: PaymentFilter, page: PageRequest) -> Page:
        def keep(p: Payment) -> bool:
            return where.admits(p, page.after)

        mine = self._session.identity.entities(self.kind)
        statement = (select(PaymentRow.__table__).where(*_conditions(where, page))  # type: ignore[attr-defined]
                     .order_by(_P.created_at.desc(), _P.id.desc())
                     .limit(page.limit + 1 + len(mine)))
        found = await self._session.select_entities(self.kind, statement)
        pool = {p.id: p for p in [*found, *mine]}
        rows = _newest_first([p for p in pool.values() if keep(p)])
        return Page(items=rows[:page.limit], has_more=len(rows) > page.limit)

    async def created_between(self, start: datetime, end: datetime, *,
                              after: tuple[datetime, str] | None, limit: int) -> list[Payment]:
        def keep(p: Payment) -> bool:
            return (start <= p.created_at < end
                    and (after is None or (p.created_at, p.id) > after))

        conditions = [_P.created_at >= start, _P.created_at < end]
        if after is not None:
            conditions.append(tuple_(_P.created_at, _P.id) > tuple_(*after))
        mine = self._session.identity.entities(self.kind)
        statement = (select(PaymentRow.__table__).where(*conditions)  # type: ignore[attr-defined]
                     .order_by(_P.created_at, _P.id).limit(limit + len(mine)))
        found = await self._session.select_entities(self.kind, statement)
        pool = {p.id: p for p in [*found, *mine]}
        return sorted((p for p in pool.values() if keep(p)),
                      key=lambda p: (p.created_at, p.id))[:limit]


def _conditions(where: PaymentFilter, page: PageRequest) -> list[Any]:
    conditions: list[Any] = []
    if where.student_id is not None:
        conditions.append(_P.student_id == where.student_id)
    if where.status is not None:
        conditions.append(_P.status == where.status.value)
    if where.created_from is not None:
        conditions.append(_P.created_at >= where.created_from)
    if where.created_to is not None:
        conditions.append(_P.created_at <= where.created_to)
    if page.after is not None:
        # A row-value comparison, not an OR: with bound parameters SQLite turns the OR form
        # into a scan of the whole index from the newest row (bench/history.py: a page
        # deep in a million payments went from ~500 ms to a few ms).
        conditions.append(tuple_(_P.created_at, _P.id) < tuple_(*page.after))
    return conditions


class SqlEnrollments(_Repository):
    kind = "enrollments"

    async def get(self, enrollment_id: str) -> Enrollment | None:
        return await self._session.load(self.kind, enrollment_id)  # type: ignore[no-any-return]

    async def holding(self, student_id: str, course_id: str) -> Enrollment | None:
        def keep(e: Enrollment) -> bool:
            return e.student_id == student_id and e.course_id == course_id \
                and e.status in HOLDING

        statement = select(EnrollmentRow.__table__).where(  # type: ignore[attr-defined]
            _E.student_id == student_id, _E.course_id == course_id,
            _E.status.in_([s.value for s in HOLDING]))
        found = await self._find(statement, keep)
        return found[0] if found else None


class SqlRefunds(_Repository):
    kind = "refunds"

    async def get(self, refund_id: str) -> Refund | None:
        return await self._session.load(self.kind, refund_id)  # type: ignore[no-any-return]

    async def for_payment(self, payment_id: str) -> list[Refund]:
        statement = select(RefundRow.__table__).where(_R.payment_id == payment_id)  # type: ignore[attr-defined]
        return await self._find(statement, lambda r: r.payment_id == payment_id)

    async def pending_before(self, cutoff: datetime, limit: int) -> list[Refund]:
        def keep(r: Refund) -> bool:
            return r.status is RefundStatus.PENDING and r.updated_at <= cutoff

        statement = (select(RefundRow.__table__)  # type: ignore[attr-defined]
                     .where(_R.status == RefundStatus.PENDING.value, _R.updated_at <= cutoff)
                     .order_by(_R.updated_at, _R.id).limit(limit))
        found = await self._find(statement, keep)
        return sorted(found, key=lambda r: (r.updated_at, r.id))[:limit]
