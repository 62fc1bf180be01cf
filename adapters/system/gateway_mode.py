"""The runtime test/live flag of the gateway, held in this process.

Starts from configuration (IKHOKHA_TEST_MODE) and is changed by an admin through the
API. It lives in memory: a restart returns to the configured mode, and each instance
of a multi-instance deployment holds its own flag (switch each, or redeploy).
"""

from __future__ import annotations

import threading

_MODES = frozenset({"test", "live"})


class RuntimeGatewayMode:
    def __init__(self, test_mode: bool) -> None:
        self._mode = "test" if test_mode else "live"
        self._lock = threading.Lock()

    def current(self) -> str:
        return self._mode

    def set(self, mode: str) -> None:
        if mode not in _MODES:
            raise ValueError(f"unknown gateway mode {mode!r}")
        with self._lock:
            self._mode = mode

    def __call__(self) -> str:
        """What the gateway adapter asks when it builds a paylink."""
        return self._mode
