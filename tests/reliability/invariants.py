"""The checker: the money invariants over a final database (any SQL engine).

Each function returns the list of violations it found (empty: the invariant holds), so a
failing run prints every broken rule at once, with the ids to look at.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

TERMINAL_UNPAID = {"failed", "cancelled", "expired"}
CAPTURED = {"succeeded", "partially_refunded", "refunded"}
REFUND_STEPS = {"partially_refunded", "refunded"}


async def rows(engine: AsyncEngine, sql: str) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(text(sql))).mappings().all())


async def refunds_within_capture(engine: AsyncEngine) -> list[str]:
    found = await rows(engine, """
        SELECT p.id, p.amount_minor, p.refunded_minor, p.reserved_minor,
               COALESCE(SUM(CASE WHEN r.status <> 'failed' THEN r.amount_minor END), 0) AS held,
               COALESCE(SUM(CASE WHEN r.status = 'succeeded' THEN r.amount_minor END), 0) AS paid
        FROM payments p LEFT JOIN refunds r ON r.payment_id = p.id
        GROUP BY p.id, p.amount_minor, p.refunded_minor, p.reserved_minor""")
    problems = [f"refund {r['id']} still pending after recovery" for r in await rows(
        engine, "SELECT id FROM refunds WHERE status = 'pending'")]
    for r in found:
        if r["held"] > r["amount_minor"]:
            problems.append(f"{r['id']}: refunds {r['held']} exceed capture {r['amount_minor']}")
        if r["paid"] != r["refunded_minor"]:
            problems.append(f"{r['id']}: refunded_minor {r['refunded_minor']} != refunds "
                            f"succeeded {r['paid']}")
    return problems


async def one_activation_per_payment(engine: AsyncEngine) -> list[str]:
    activations = await rows(engine, """
        SELECT entity_id, COUNT(*) AS n FROM audit_entries
        WHERE entity = 'enrollment' AND to_status = 'active' GROUP BY entity_id""")
    problems = [f"{a['entity_id']}: activated {a['n']} times" for a in activations
                if a["n"] > 1]
    unpaid = await rows(engine, """
        SELECT e.id, p.status FROM enrollments e JOIN payments p ON p.id = e.payment_id
        WHERE e.status = 'active'""")
    problems += [f"{u['id']}: active on a {u['status']} payment" for u in unpaid
                 if u["status"] not in CAPTURED]
    return problems


def _chain_problems(entity: str, trail: list[Any], current: str | None) -> list[str]:
    problems, before = [], None
    for entry in trail:
        if entry["from_status"] != before:
            problems.append(f"{entity} {entry['entity_id']}: {entry['action']} from "
                            f"{entry['from_status']} but it was {before}")
        if entity == "payment":
            if entry["from_status"] in TERMINAL_UNPAID:
                problems.append(f"payment {entry['entity_id']}: left terminal "
                                f"{entry['from_status']}")
            if entry["from_status"] in CAPTURED and entry["to_status"] not in REFUND_STEPS:
                problems.append(f"payment {entry['entity_id']}: {entry['from_status']} -> "
                                f"{entry['to_status']} is not a refund")
        before = entry["to_status"]
    if trail and before != current:
        problems.append(f"{entity} {trail[0]['entity_id']}: audit ends at {before}, row is "
                        f"{current}")
    return problems


async def audit_is_one_entry_per_change(engine: AsyncEngine) -> list[str]:
    problems: list[str] = []
    for entity, table in (("payment", "payments"), ("enrollment", "enrollments"),
                          ("refund", "refunds")):
        current = {r["id"]: r["status"] for r in await rows(
            engine, f"SELECT id, status FROM {table}")}
        trails: dict[str, list[Any]] = defaultdict(list)
        for entry in await rows(engine, f"""
                SELECT entity_id, action, from_status, to_status FROM audit_entries
                WHERE entity = '{entity}' AND to_status IS NOT NULL ORDER BY seq"""):
            trails[entry["entity_id"]].append(entry)
        for entity_id, status in current.items():
            if entity_id not in trails:
                problems.append(f"{entity} {entity_id}: no audit entries")
                continue
            problems += _chain_problems(entity, trails[entity_id], status)
    return problems


async def nothing_left_behind(engine: AsyncEngine) -> list[str]:
    waiting = await rows(engine, "SELECT id, status FROM webhook_inbox "
                                 "WHERE status NOT IN ('processed', 'orphan')")
    unrelayed = await rows(engine, "SELECT COUNT(*) AS n FROM outbox WHERE relayed_at IS NULL")
    problems = [f"callback {w['id']} still {w['status']}" for w in waiting]
    if unrelayed[0]["n"]:
        problems.append(f"{unrelayed[0]['n']} outbox events never relayed")
    return problems


async def callbacks_kept(engine: AsyncEngine, acknowledged: Iterable[str]) -> list[str]:
    """Every paylink whose callback we answered 200 has that callback in the inbox."""
    stored = {r["paylink_id"] for r in await rows(
        engine, "SELECT DISTINCT paylink_id FROM webhook_inbox")}
    return [f"callback for {p} answered 200 but not stored" for p in set(acknowledged)
            if p not in stored]


async def agrees_with_gateway(engine: AsyncEngine, gateway: dict[str, str]) -> list[str]:
    """Our final state matches what the gateway says happened (paylink -> its status)."""
    ours = {r["paylink_id"]: r for r in await rows(
        engine, "SELECT id, paylink_id, status, review_reason FROM payments "
                "WHERE paylink_id IS NOT NULL")}
    expected = {"SUCCESS": CAPTURED, "FAILURE": {"failed"}, "CANCELLED": {"cancelled"}}
    problems = []
    for paylink, status in gateway.items():
        row = ours.get(paylink)
        if row is None or status not in expected or row["review_reason"]:
            continue
        if row["status"] not in expected[status]:
            problems.append(f"{row['id']}: gateway says {status}, we say {row['status']}")
    return problems


async def all_violations(engine: AsyncEngine, acknowledged: Iterable[str] = (),
                         gateway: dict[str, str] | None = None) -> list[str]:
    return [*await refunds_within_capture(engine), *await one_activation_per_payment(engine),
            *await audit_is_one_entry_per_change(engine), *await nothing_left_behind(engine),
            *await callbacks_kept(engine, acknowledged),
            *await agrees_with_gateway(engine, gateway or {})]
