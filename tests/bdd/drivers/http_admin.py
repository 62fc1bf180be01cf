"""What admins and operators do on the `http` stack: refunds, rollback, reconciliation,
statistics and the review list, through the API as an admin token (a mixin of
HttpDriver, which provides `call`, `run` and the ids it remembers)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from domain.money import Money
from tests.bdd.drivers.base import RecordLine, Refusal, StatsView, student_sub
from tests.support.world import ADMIN


def refusal(status: int, body: Any) -> Refusal | None:
    if status < 400:
        return None
    return Refusal(body["code"], body["category"], body["retryable"], body["user_message"],
                   body.get("enrollment_id"))


class HttpAdminActions:
    stack: Any
    _payments: dict[str, dict[str, Any]]
    _refunds: dict[str, str]
    _latest: dict[str, str]

    if TYPE_CHECKING:  # provided by the driver this is mixed into
        def run(self, coro: Any) -> Any:
            ...

        def call(self, method: str, path: str, who: str = "admin-1", role: str = "admin",
                 key: str | None = None, **kw: Any) -> tuple[int, Any]:
            ...

        def _new_key(self, prefix: str) -> str:
            ...

        def _trail(self, student: str) -> list[dict[str, Any]]:
            ...

    def refund(self, student: str, amount: Money | None, reason: str) -> Refusal | None:
        body: dict[str, Any] = {"reason": reason}
        if amount is not None:
            body["amount"] = amount.amount_minor
        status, answer = self.call("POST", f"/api/v1/payments/{self._payments[student]['id']}"
                                   "/refunds", key=self._new_key("refund"), json=body)
        if status == 201:
            self._refunds[student] = answer["id"]
        return refusal(status, answer)

    def refund_status(self, student: str) -> str:
        status, body = self.call("GET", f"/api/v1/refunds/{self._refunds[student]}")
        assert status == 200, body
        return str(body["status"])

    def confirm_refund(self, student: str, reference: str) -> None:
        status, body = self.call("POST", f"/api/v1/refunds/{self._refunds[student]}/confirm",
                                 json={"gateway_reference": reference})
        assert status == 200, body

    def revert(self, student: str, reason: str) -> Refusal | None:
        status, body = self.call("POST", f"/api/v1/enrollments/{self._latest[student]}/revert",
                                 json={"reason": reason})
        return refusal(status, body)

    def revocations(self, student: str) -> list[tuple[str, str | None]]:
        return [(e["actor"], e["reason"]) for e in self._trail(student)
                if e["entity"] == "enrollment" and e["to_status"] == "revoked"]

    def reconcile_today(self) -> dict[str, int]:
        today = datetime.now(UTC).date().isoformat()
        status, report = self.call("POST", "/api/v1/reconciliations",
                                   json={"from": today, "to": today, "apply": True})
        assert status == 201, report
        return dict(report["counts"])

    def stats_last_day(self) -> StatsView:
        status, body = self.call("GET", "/api/v1/stats?window=1d")
        assert status == 200, body
        return StatsView(body["success_rate"], body["payments"], body["errors_by_code"],
                         body["errors_by_category"])

    def payments_needing_review(self) -> list[tuple[str, str | None]]:
        """No HTTP route lists them (the operator page shows them): the app's use-case."""
        listed = self.run(self.stack.container.payments_needing_review()(ADMIN))
        return [(p.student_id, p.review_reason) for p in listed]

    def resolve_review(self, student: str, action: str, reason: str,
                       by: str | None = None) -> Refusal | None:
        """An operator (an admin token) or, with `by`, that student's own token."""
        who, role = ("admin-1", "admin") if by is None else (student_sub(by), "student")
        status, body = self.call("POST", f"/api/v1/payments/{self._payments[student]['id']}"
                                 "/review", who, role, json={"action": action, "reason": reason})
        return refusal(status, body)

    def payment_record(self, student: str) -> list[RecordLine]:
        return [RecordLine(e["actor"], e["action"], e["entity"], e["to_status"], e["reason"])
                for e in self._trail(student)]
