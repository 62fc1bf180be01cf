"""Port: who hears that a rotated secret's previous value was used."""

from __future__ import annotations

from typing import Protocol


class PreviousSecretObserver(Protocol):
    """Told each time a rotated secret's previous value verified something.

    Contract: synchronous, cheap and never raises; it is told the secret's name only,
    never its value.
    """

    def previous_secret_used(self, secret: str) -> None:
        """`secret` names it (`jwt`, `callback`), never the value. Never raises."""
        ...
