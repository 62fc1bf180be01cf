"""Port: the inbox of gateway callbacks, as one unit of work sees it."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from application.ports.inbox_item import InboxItem


class WebhookInbox(Protocol):
    """The callback inbox of one `UnitOfWork` (reached as `uow.webhook_inbox`).

    Contract: at most one item per dedupe key — a redelivered callback is never stored
    twice (`record` answers False, or the commit raises `ConcurrentUpdate` when two
    arrive at once). Writes (`record`, `mark`) are staged and commit with the unit of
    work, so an item is marked done atomically with the payment change it caused.
    `lease` hands each due item to one worker only and never waits on another's lock.
    """

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
