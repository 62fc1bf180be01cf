"""The risk rules on both stacks: an admin sets the checkout limit, an operator reads the
blocks and lifts one (mixins of MemoryDriver and HttpDriver; features/risk.feature)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from application.use_cases.risk_admin import (
    LiftRiskBlock,
    ListRiskRules,
    RiskQueue,
    RuleChange,
    UpdateRiskRule,
)
from tests.bdd.drivers.base import Refusal, student_sub
from tests.bdd.drivers.http_admin import refusal as http_refusal
from tests.support.world import ADMIN

CHECKOUT_LIMIT = "checkouts_per_student_hour"


@dataclass(frozen=True)
class BlockView:
    """A block or review as the operator sees it, with its record."""

    id: str
    rule: str
    subject: str
    outcome: str
    status: str
    operator_message: str
    record: list[tuple[str, str, str | None]]  # actor, action, reason


class MemoryRiskActions:
    world: Any
    if TYPE_CHECKING:
        def run(self, coro: Any) -> Any: ...
        def _try(self, coro: Any) -> tuple[Any, Refusal | None]: ...

    def set_checkout_limit(self, limit: int) -> None:
        w = self.world
        rules = {r.id: r for r in self.run(ListRiskRules(w.tx, w.risk_guard)(ADMIN))}
        r = rules[CHECKOUT_LIMIT]
        change = RuleChange(r.id, r.limit, r.window_s, r.outcome, r.enabled,
                            r.student_message, r.operator_message)
        self.run(UpdateRiskRule(w.tx, w.risk_guard, w.clock)(ADMIN, replace(change,
                                                                              limit=limit)))

    def risk_blocks(self) -> list[BlockView]:
        w = self.world
        return [BlockView(i.flag.id, i.flag.rule_id, i.flag.subject, i.flag.outcome.value,
                          i.flag.status.value, i.flag.operator_message,
                          [(e.actor, e.action, e.reason) for e in i.trail])
                for i in self.run(RiskQueue(w.tx, w.risk_guard)(ADMIN))]

    def lift_block(self, student: str, reason: str) -> Refusal | None:
        [block] = [b for b in self.risk_blocks() if b.subject == student_sub(student)]
        w = self.world
        _, refused = self._try(LiftRiskBlock(w.tx, w.risk_guard, w.clock)(ADMIN, block.id,
                                                                           reason))
        return refused


class HttpRiskActions:
    if TYPE_CHECKING:
        def call(self, method: str, path: str, who: str = "admin-1", role: str = "admin",
                 key: str | None = None, **kw: Any) -> tuple[int, Any]: ...

    def set_checkout_limit(self, limit: int) -> None:
        _, rules = self.call("GET", "/api/v1/admin/risk/rules")
        rule = next(r for r in rules["items"] if r["id"] == CHECKOUT_LIMIT)
        body = {k: v for k, v in rule.items() if k not in ("updated_at", "updated_by")}
        status, answer = self.call("PUT", "/api/v1/admin/risk/rules",
                                   json={**body, "limit": limit})
        assert status == 200, answer

    def risk_blocks(self) -> list[BlockView]:
        status, body = self.call("GET", "/api/v1/admin/risk/flags")
        assert status == 200, body
        return [BlockView(f["id"], f["rule_id"], f["subject"], f["outcome"], f["status"],
                          f["operator_message"],
                          [(e["actor"], e["action"], e["reason"]) for e in f["audit"]])
                for f in body["items"]]

    def lift_block(self, student: str, reason: str) -> Refusal | None:
        [block] = [b for b in self.risk_blocks() if b.subject == student_sub(student)]
        status, body = self.call("POST", "/api/v1/admin/risk/lift",
                                 json={"flag_id": block.id, "reason": reason})
        return http_refusal(status, body)
