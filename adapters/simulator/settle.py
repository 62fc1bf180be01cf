"""Settling a paylink: what a click on the hosted checkout page does.

The browser buttons and the test-only settle endpoint both call `settle`, so tests
exercise exactly what a student's click would. A cancel is reported as CANCELLED on
getStatus; its callback says FAILURE (callbacks carry SUCCESS or FAILURE only).
"""

from __future__ import annotations

from adapters.simulator.callbacks import send_callback
from adapters.simulator.state import SimPaylink, SimState

OUTCOMES = {
    "pay": ("SUCCESS", "successPageUrl"),
    "decline": ("FAILURE", "failurePageUrl"),
    "insufficient_funds": ("FAILURE", "failurePageUrl"),
    "cancel": ("CANCELLED", "cancelUrl"),
}


class SettleError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def settle(state: SimState, paylink_id: str, outcome: str) -> tuple[SimPaylink, str]:
    """Set the final status, send the callback, return (paylink, redirect URL)."""
    link = state.paylinks.get(paylink_id)
    if link is None:
        raise SettleError(404, "paylink not found")
    if outcome not in OUTCOMES:
        raise SettleError(400, f"outcome must be one of {sorted(OUTCOMES)}")
    if link.status != "PENDING":
        raise SettleError(409, f"paylink already {link.status}")
    link.status, url_key = OUTCOMES[outcome]
    link.settled_at = state.config.clock()
    await send_callback(state, link)
    return link, link.urls[url_key]
