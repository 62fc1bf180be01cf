"""Read payments: one by id (owner or admin) and the keyset-paginated history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.actor import Actor, Role
from application.errors import InvalidInput, NotFound
from application.ports import Page, PageRequest, PaymentFilter, UnitOfWork
from application.transaction import Transactions
from domain.payment import Payment, PaymentStatus

MAX_LIMIT = 100


class GetPayment:
    def __init__(self, tx: Transactions) -> None:
        self._tx = tx

    async def __call__(self, actor: Actor, payment_id: str) -> Payment:
        async def work(uow: UnitOfWork) -> Payment:
            payment = await uow.payments.get(payment_id)
            if payment is None:
                raise NotFound("payment")
            actor.require_owner(payment.student_id, "payment")
            return payment

        return await self._tx.run(work)


@dataclass(frozen=True, slots=True)
class ListPaymentsQuery:
    actor: Actor
    status: str | None = None
    student_id: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    limit: int = 20
    after: tuple[datetime, str] | None = None


class ListPayments:
    """Students see their own history; admins see everyone's and may filter by student."""

    def __init__(self, tx: Transactions) -> None:
        self._tx = tx

    async def __call__(self, query: ListPaymentsQuery) -> Page:
        query.actor.require(Role.STUDENT, Role.ADMIN)
        if not 1 <= query.limit <= MAX_LIMIT:
            raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}")
        try:
            status = PaymentStatus(query.status) if query.status else None
        except ValueError:
            raise InvalidInput(f"unknown status {query.status!r}") from None
        for name, value in (("created_from", query.created_from),
                            ("created_to", query.created_to)):
            if value is not None and value.utcoffset() is None:
                raise InvalidInput(f"{name} needs a timezone, e.g. 2026-01-01T00:00:00Z")
        student_id = query.student_id if query.actor.is_admin else query.actor.sub
        where = PaymentFilter(student_id=student_id, status=status,
                              created_from=query.created_from, created_to=query.created_to)
        page = PageRequest(limit=query.limit, after=query.after)
        return await self._tx.run(lambda uow: uow.payments.list(where, page))
