"""Status and history items as iK Pay answers them, bent by the answer-shape knobs.

iKhokha's status (and history) items carry paylinkID, status, amount,
externalTransactionID and createdAt, and no currency (docs/ikhokha.md "Status and history
response shapes"). The knobs let tests see what the adapter does with a gateway that
lags behind its own callback, forgets the amount, reports another amount, or does
send a currency.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from adapters.simulator.state import SimPaylink, SimState


def answered_status(state: SimState, link: SimPaylink) -> str:
    """PENDING while `status_lag_ms` has not passed since the paylink was settled."""
    lag = state.faults.status_lag_ms
    if lag and link.settled_at is not None and link.status != "PENDING":
        if state.config.clock() < link.settled_at + timedelta(milliseconds=lag):
            return "PENDING"
    return link.status


def status_item(state: SimState, link: SimPaylink) -> dict[str, Any]:
    faults = state.faults
    item: dict[str, Any] = {"paylinkID": link.paylink_id,
                            "status": answered_status(state, link)}
    if not faults.status_amount_missing:
        item["amount"] = link.amount + faults.status_amount_delta
    if faults.status_currency:
        item["currency"] = link.currency
    item["externalTransactionID"] = link.external_id
    item["createdAt"] = link.created_at.isoformat().replace("+00:00", "Z")
    return item
