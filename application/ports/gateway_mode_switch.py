"""Port: the admin's runtime test/live switch of the gateway."""

from __future__ import annotations

from typing import Protocol


class GatewayModeSwitch(Protocol):
    """The runtime flag the gateway adapter reads when it creates a paylink.

    Contract: `current` returns `test` or `live`; `set` takes effect for every paylink
    created after it returns, in this process; both are synchronous, never block and
    never raise for those two values.
    """

    def current(self) -> str: ...
    def set(self, mode: str) -> None: ...
