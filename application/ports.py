"""Ports: what the use-cases need from the outside world, as typing.Protocols.

Every adapter of a port passes the same contract suite (tests/contract/).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Protocol, runtime_checkable

from domain.enrollment import Enrollment
from domain.events import DomainEvent
from domain.gateway_report import GatewayReport, GatewayStatus
from domain.money import Money
from domain.payment import Payment, PaymentStatus
from domain.refund import Refund


# -- time and ids ---------------------------------------------------------------
@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware UTC now."""
        ...


@runtime_checkable
class IdGenerator(Protocol):
    def new_id(self, prefix: str) -> str:
        """A fresh opaque id such as `pay_7f3k...`."""
        ...


# -- the payment gateway --------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PaylinkRequest:
    """Everything a gateway needs to issue one paylink. `payment_id` is the
    externalTransactionID: retrying a create with the same id is safe."""

    payment_id: str
    enrollment_id: str
    amount: Money
    description: str
    callback_url: str
    success_url: str
    failure_url: str
    cancel_url: str


@dataclass(frozen=True, slots=True)
class Paylink:
    paylink_id: str
    checkout_url: str
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CallbackNotice:
    """A callback whose signature checked out. Its claims still need confirming."""

    paylink_id: str
    status: GatewayStatus
    external_transaction_id: str | None
    dedupe_key: str


class RefundMode(str, Enum):
    COMPLETED = "completed"
    MANUAL_ACTION_REQUIRED = "manual_action_required"


@dataclass(frozen=True, slots=True)
class RefundResult:
    mode: RefundMode
    gateway_reference: str | None = None


@runtime_checkable
class PaymentGateway(Protocol):
    """A card/EFT gateway. Failures are raised as `ClassifiedFailure` (domain)."""

    async def create_paylink(self, request: PaylinkRequest) -> Paylink: ...

    async def get_status(self, paylink_id: str) -> GatewayReport | None:
        """What the gateway knows now; None when it does not know the paylink."""
        ...

    async def refund(self, *, paylink_id: str, payment_id: str, amount: Money,
                     reason: str, refund_id: str) -> RefundResult: ...

    def history(self, start: date, end: date) -> AsyncIterator[GatewayReport]:
        """Every transaction the gateway reports for the inclusive date range."""
        ...

    def verify_callback(self, path: str, headers: Mapping[str, str],
                        raw_body: bytes) -> CallbackNotice:
        """Check the callback's origin; raise ClassifiedFailure('invalid_signature')."""
        ...


# -- notifications ---------------------------------------------------------------
@runtime_checkable
class Notifier(Protocol):
    async def publish(self, events: Sequence[DomainEvent]) -> None:
        """Tell connected clients. Best effort: the outbox guarantees delivery."""
        ...


# -- storage -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PaymentFilter:
    student_id: str | None = None
    status: PaymentStatus | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None

    def admits(self, p: Payment, after: tuple[datetime, str] | None = None) -> bool:
        """The one reading of the filter (and of a newest-first keyset cursor) that every
        storage adapter applies to entities it holds in memory."""
        return ((self.student_id is None or p.student_id == self.student_id)
                and (self.status is None or p.status is self.status)
                and (self.created_from is None or p.created_at >= self.created_from)
                and (self.created_to is None or p.created_at <= self.created_to)
                and (after is None or (p.created_at, p.id) < after))


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = 20
    after: tuple[datetime, str] | None = None  # keyset: (created_at, id) of the last item


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Payment]
    has_more: bool


class PaymentRepository(Protocol):
    async def add(self, payment: Payment) -> None: ...
    async def get(self, payment_id: str) -> Payment | None: ...
    async def get_by_paylink(self, paylink_id: str) -> Payment | None: ...
    async def get_by_idempotency_key(self, student_id: str, key: str) -> Payment | None: ...
    async def for_enrollment(self, enrollment_id: str) -> list[Payment]:
        """Every payment of one enrollment, oldest first."""
        ...

    async def due_for_recheck(self, now: datetime, limit: int) -> list[Payment]:
        """Open payments whose fast re-check (`recheck_at`) is due, soonest first."""
        ...

    async def open_created_before(self, cutoff: datetime, limit: int,
                                  after: tuple[datetime, str] | None = None) -> list[Payment]:
        """Created or pending payments created at or before `cutoff`, oldest first;
        with `after`, only those after that (created_at, id) — the next page."""
        ...

    async def list(self, where: PaymentFilter, page: PageRequest) -> Page:
        """Newest first, keyset-paginated on (created_at, id)."""
        ...

    async def created_between(self, start: datetime, end: datetime, *,
                              after: tuple[datetime, str] | None,
                              limit: int) -> Sequence[Payment]:
        """Up to `limit` payments with start <= created_at < end, oldest first on
        (created_at, id), after the keyset `after`: a period read in bounded batches."""
        ...


class EnrollmentRepository(Protocol):
    async def add(self, enrollment: Enrollment) -> None: ...
    async def get(self, enrollment_id: str) -> Enrollment | None: ...
    async def holding(self, student_id: str, course_id: str) -> Enrollment | None:
        """The student's enrollment in the course that is awaiting payment or active."""
        ...



class RefundRepository(Protocol):
    async def add(self, refund: Refund) -> None: ...
    async def get(self, refund_id: str) -> Refund | None: ...
    async def for_payment(self, payment_id: str) -> list[Refund]: ...
    async def pending_before(self, cutoff: datetime, limit: int) -> list[Refund]:
        """Refunds still `pending` whose last change is at or before `cutoff`, oldest
        first: requests cut off between their two transactions (a crash)."""
        ...


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    entity: str  # payment | refund | enrollment | webhook
    entity_id: str
    action: str
    from_status: str | None
    to_status: str | None
    reason: str | None = None


class AuditLog(Protocol):
    """Append-only."""

    async def append(self, entry: AuditEntry) -> None: ...
    async def for_entities(self, entity_ids: Sequence[str]) -> list[AuditEntry]: ...


@dataclass(frozen=True, slots=True)
class InboxItem:
    id: str
    dedupe_key: str
    paylink_id: str | None
    raw_body: bytes
    headers: Mapping[str, str]  # secrets already masked
    received_at: datetime
    status: str = "received"  # received | processed | orphan | failed | gave_up
    attempts: int = 0
    last_error: str | None = None
    # When a waiting item may next be taken (a lease or a retry backoff); None: once the
    # sweep's grace after `received_at` has passed.
    next_attempt_at: datetime | None = None


class WebhookInbox(Protocol):
    async def record(self, item: InboxItem) -> bool:
        """Store a callback; False when its dedupe key was stored before."""
        ...

    async def get(self, item_id: str) -> InboxItem | None: ...
    async def by_dedupe_key(self, dedupe_key: str) -> InboxItem | None: ...
    async def mark(self, item_id: str, status: str, error: str | None = None,
                   next_attempt_at: datetime | None = None) -> None:
        """Set the status; a `failed` mark counts an attempt and, with
        `next_attempt_at`, says when to try again."""
        ...

    async def pending(self, limit: int) -> list[InboxItem]: ...
    async def for_paylink(self, paylink_id: str, limit: int) -> list[InboxItem]:
        """The callbacks received about one paylink, oldest first (the operator page)."""
        ...

    async def lease(self, now: datetime, fresh_until: datetime, until: datetime,
                    limit: int) -> list[InboxItem]:
        """Take up to `limit` waiting items that are due (`next_attempt_at` <= now, or
        unset and received before `fresh_until`) and hold them until `until`, on commit.
        Items another worker is leasing at the same moment are skipped, never waited on
        (PostgreSQL: `FOR UPDATE SKIP LOCKED`), so each is handed to one worker."""
        ...


class CallbackIntake(Protocol):
    """The acknowledgement's one write: a verified callback stored in its own transaction
    with one statement (insert, or nothing when its dedupe key is known)."""

    async def accept(self, item: InboxItem) -> bool:
        """True when stored now; False for a callback stored before (a redelivery)."""
        ...


class IdempotencyOutcome(str, Enum):
    STARTED = "started"
    REPLAY = "replay"
    IN_PROGRESS = "in_progress"
    MISMATCH = "mismatch"


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status_code: int
    body: bytes
    content_type: str = "application/json"


@dataclass(frozen=True, slots=True)
class IdempotencyClaim:
    outcome: IdempotencyOutcome
    response: StoredResponse | None = None


class IdempotencyStore(Protocol):
    """Response replay for mutating requests, scoped by caller and route."""

    async def claim(self, scope: str, key: str, fingerprint: str, now: datetime,
                    lock_for_s: int) -> IdempotencyClaim: ...

    async def complete(self, scope: str, key: str, response: StoredResponse,
                       now: datetime) -> None: ...

    async def release(self, scope: str, key: str) -> None:
        """Forget a claim whose result must not be stored (a transient failure)."""
        ...

    async def reap(self, older_than: datetime) -> int: ...


class UnitOfWork(Protocol):
    """One transaction. Rolls back unless `commit` is called; on commit it writes an
    audit entry per state change and hands back the events to publish."""

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
    def __call__(self) -> UnitOfWork: ...
