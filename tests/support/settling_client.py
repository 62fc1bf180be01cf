"""A TestClient whose every request waits until acknowledged callbacks are processed.

The webhook answers 200 before confirming (processing runs off the request path, in the
app's dispatcher on the client's event loop thread), so a test that posts a callback and
then reads the payment waits here, on that condition, instead of sleeping."""

from __future__ import annotations

import time
from typing import Any

from litestar.testing import TestClient

from tests.support.app_container import container_of

SETTLE_TIMEOUT_S = 10.0


class SettlingTestClient(TestClient):  # type: ignore[type-arg]
    def settle(self) -> None:
        try:
            container = container_of(self.app)
        except KeyError:  # an app without our container (the simulator's): nothing to wait for
            return
        dispatcher = container.callback_dispatcher()
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while not dispatcher.idle():
            if time.monotonic() > deadline:
                raise AssertionError("acknowledged callbacks were not processed in time")
            time.sleep(0.005)  # the dispatcher runs on the client's loop thread meanwhile

    def request(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.settle()
        return super().request(*args, **kwargs)
