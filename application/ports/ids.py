"""Port: fresh identifiers for new entities, callbacks and audit rows."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class IdGenerator(Protocol):
    """Opaque ids.

    Contract: `new_id(prefix)` returns `<prefix>_<token>` where the token is
    unguessable and never repeats (ids are primary keys and are shown to students, so
    they must not be sequential); it never blocks and never raises.
    """

    def new_id(self, prefix: str) -> str:
        """A fresh opaque id such as `pay_7f3k...`."""
        ...
