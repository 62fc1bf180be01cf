"""Our final database against the gateway's truth (the simulator's paylinks).

"Consistent" means, for every payment of ours and the paylinks the gateway holds for it
(matched on externalTransactionID, which is our payment id):
- the gateway holds at most one paylink per payment, and every paylink is one of ours;
- a paylink we recorded is the one the gateway holds;
- gateway SUCCESS: ours is captured and the enrollment active, or the payment is flagged
  for review with a reason (counted and reported, never fulfilled);
- gateway FAILURE: ours failed; CANCELLED: ours cancelled; PENDING (never paid) once the
  paylink's lifetime is over: ours expired — all unless flagged;
- no paylink at the gateway (checkout failed at create): ours is not captured, and once
  final it is failed (refused at start) or expired.
With `final=False` (before the lifetime is over) only gateway-final paylinks are held
to it: that is the checker's promise that a missed callback is repaired.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.reliability.invariants import CAPTURED, rows

EXPECTED = {"SUCCESS": CAPTURED, "FAILURE": {"failed"}, "CANCELLED": {"cancelled"},
            "PENDING": {"expired"}}
NO_PAYLINK = {"failed", "expired"}


def _check(p: Any, link: Any | None, active: bool, final: bool) -> str | None:
    if link is None:
        if p["status"] in CAPTURED:
            return f"{p['id']}: {p['status']} but the gateway never issued a paylink"
        if final and p["status"] not in NO_PAYLINK:
            return f"{p['id']}: {p['status']} although checkout never reached the gateway"
        return None
    if p["paylink_id"] not in (None, link["paylinkID"]):
        return f"{p['id']}: we hold paylink {p['paylink_id']}, gateway {link['paylinkID']}"
    if p["paylink_id"] is None and link["status"] != "PENDING":
        return f"{p['id']}: gateway {link['status']} for a paylink we never recorded"
    if p["review_reason"]:
        if p["status"] in CAPTURED and link["status"] != "SUCCESS":
            return f"{p['id']}: flagged and captured, gateway says {link['status']}"
        return None
    if not final and link["status"] == "PENDING":
        return None
    if p["status"] not in EXPECTED[link["status"]]:
        return f"{p['id']}: gateway says {link['status']}, we say {p['status']}"
    if (p["status"] in CAPTURED) != active:
        return f"{p['id']}: {p['status']} but enrollment active={active}"
    return None


async def against_gateway(engine: AsyncEngine, paylinks: list[dict[str, Any]],
                          *, final: bool = True) -> tuple[list[str], dict[str, Any]]:
    """(violations, figures: final states and review reasons)."""
    ours = await rows(engine, """
        SELECT p.id, p.status, p.paylink_id, p.review_reason, e.status AS enrollment
        FROM payments p JOIN enrollments e ON e.id = p.enrollment_id""")
    by_payment: dict[str, list[dict[str, Any]]] = {}
    for link in paylinks:
        by_payment.setdefault(link["externalTransactionID"], []).append(link)
    known = {p["id"] for p in ours}
    problems = [f"paylink {link['paylinkID']} is for unknown payment {ext}"
                for ext, links in by_payment.items() if ext not in known for link in links]
    problems += [f"{ext}: the gateway holds {len(links)} paylinks"
                 for ext, links in by_payment.items() if len(links) > 1]
    for p in ours:
        link = by_payment.get(p["id"], [None])[0]
        found = _check(p, link, p["enrollment"] == "active", final)
        if found:
            problems.append(found)
    figures = {"final_states": dict(sorted(Counter(p["status"] for p in ours).items())),
               "flagged_for_review": dict(sorted(Counter(
                   p["review_reason"] for p in ours if p["review_reason"]).items())),
               "payments": len(ours), "gateway_paylinks": len(paylinks)}
    return problems, figures
