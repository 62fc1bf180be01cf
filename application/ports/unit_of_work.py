"""Port: one transaction over every repository."""

from __future__ import annotations

from typing import Protocol

from application.ports.audit_log import AuditLog
from application.ports.enrollment_repository import EnrollmentRepository
from application.ports.payment_repository import PaymentRepository
from application.ports.refund_repository import RefundRepository
from application.ports.webhook_inbox import WebhookInbox
from domain.events import DomainEvent


class UnitOfWork(Protocol):
    """One transaction. Rolls back unless `commit` is called; on commit it writes an
    audit entry per state change and hands back the events to publish.

    Contract: all or nothing — `commit` makes every change made through its
    repositories durable at once (new and changed entities, audit entries, inbox marks
    and, with SQL, the outbox rows of the events) or none of them. Each changed entity
    is version-checked: a lost race, or a uniqueness rule another transaction took
    first, raises `ConcurrentUpdate` and nothing is written (the use case may run
    again). The returned events are in the order the entities recorded them. Leaving
    the `async with` block without committing discards everything. Use once.
    """

    payments: PaymentRepository
    enrollments: EnrollmentRepository
    refunds: RefundRepository
    audit: AuditLog
    webhook_inbox: WebhookInbox

    async def __aenter__(self) -> UnitOfWork: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> list[DomainEvent]:
        """Make every change durable at once; raise ConcurrentUpdate on a lost race."""
        ...


class UnitOfWorkFactory(Protocol):
    """Contract: each call returns a new, independent `UnitOfWork`; safe to call from
    concurrent tasks (the port's other half: it lives with the unit of work)."""

    def __call__(self) -> UnitOfWork: ...
