"""Reconciliation over real HTTP: our API (real iKhokha adapter, SQLite) against the
simulator with every callback dropped and one transaction's amount tampered with."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.live_stack import live_stack

pytestmark = pytest.mark.integration


async def test_reconciliation_repairs_every_missed_callback_and_flags_the_tampered_one():
    async with live_stack() as stack:
        admin = stack.auth("admin-1", "admin")
        payments: dict[str, dict] = {}
        for i, outcome in enumerate(["pay", "pay", "pay", "decline", "pay", None]):
            enrollment = await stack.enrollment(student=f"stu-{i}", amount=10000 + i)
            status, payment = await stack.checkout(enrollment["id"], student=f"stu-{i}",
                                                   key=f"reconcile-checkout-{i:04d}")
            assert status == 201, payment
            payments[f"{i}:{outcome}"] = payment
        await stack.control.set_faults(callback_drop=True)
        for name, payment in payments.items():
            outcome = name.split(":")[1]
            if outcome != "None":
                await stack.control.settle(payment["gateway_reference"], outcome)
        tampered = payments["4:pay"]
        await stack.control.tamper(tampered["gateway_reference"], 1)
        state = await stack.control.state()
        assert [c.get("dropped") for c in state["callbacks"]] == [True] * 5

        today = datetime.now(UTC).date().isoformat()
        status, report = await stack.call("POST", "/api/v1/reconciliations", headers=admin,
                                          json={"from": today, "to": today, "apply": True})

        assert status == 201, report
        missed = {payments[k]["id"] for k in ("0:pay", "1:pay", "2:pay", "3:decline")}
        assert set(report["repaired"]) == missed and report["repaired_count"] == 4
        assert report["flagged"] == [tampered["id"]]
        assert report["counts"]["status_mismatch"] == 4
        assert report["counts"]["amount_mismatch"] == 1
        assert report["counts"]["matched"] == 1
        assert report["counts"]["missing_at_gateway"] == report["counts"]["unknown_to_us"] == 0
        for key, expected in (("0:pay", "succeeded"), ("3:decline", "failed"),
                              ("4:pay", "pending"), ("5:None", "pending")):
            _, now = await stack.call("GET", f"/api/v1/payments/{payments[key]['id']}",
                                      headers=admin)
            assert now["status"] == expected, key
        _, flagged = await stack.call("GET", f"/api/v1/payments/{tampered['id']}",
                                      headers=admin)
        assert flagged["review_reason"] == "amount_mismatch"
        _, enrollment = await stack.call(
            "GET", f"/api/v1/enrollments/{payments['0:pay']['enrollment_id']}", headers=admin)
        assert enrollment["status"] == "active"

        status, again = await stack.call("POST", "/api/v1/reconciliations", headers=admin,
                                         json={"from": today, "to": today, "apply": True})
        assert again["repaired"] == [] and again["counts"]["matched"] == 5
        _, listed = await stack.call("GET", "/api/v1/reconciliations?limit=1", headers=admin)
        assert [r["id"] for r in listed["items"]] == [again["id"]] and listed["next_cursor"]
        _, history = await stack.call("GET", f"/api/v1/gateway/transactions?from={today}"
                                             f"&to={today}", headers=admin)
        amounts = {t["paylink_id"]: t["amount"] for t in history["items"]}
        assert amounts[tampered["gateway_reference"]] == {"amount": 1, "currency": "ZAR"}
        assert len(amounts) == 6
