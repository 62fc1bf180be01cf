"""Port: the acknowledgement's one write."""

from __future__ import annotations

from typing import Protocol

from application.ports.inbox_item import InboxItem


class CallbackIntake(Protocol):
    """A verified callback stored in its own transaction with one statement (insert,
    or nothing when its dedupe key is known).

    Contract: atomic and idempotent per dedupe key — when `accept` returns, the item is
    durable (True) or an item with the same dedupe key already was (False); two
    concurrent accepts of one key store it once. It runs outside any unit of work and
    raises only when storage fails (then nothing was stored and the gateway retries).
    """

    async def accept(self, item: InboxItem) -> bool:
        """True when stored now; False for a callback stored before (a redelivery)."""
        ...
