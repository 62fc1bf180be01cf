"""The `http` stack: the real product over HTTP (tests/support/live_stack.py): the API
under uvicorn on a fresh SQLite file, the real iKhokha adapter, and the iK Pay simulator.

Students act the way a student does: paying is the simulator's settle (what its buttons
do). The simulator holds its callbacks (`callback_reorder`) so that "the payment provider
tells us" is a separate step: it flushes them, and later copies replay the genuine
recorded message. The checker runs the app's own use-case parts with a clock moved on
(the only clock the real product cannot be told to skip ahead)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from adapters.ikhokha.signing import sign
from application.use_cases.check_pending import CheckPendingPayments
from domain.money import Money
from tests.bdd.drivers.base import PaymentView, Refusal, StatsView, course_id, student_sub
from tests.bdd.drivers.sse_watch import Watchers
from tests.support.live_stack import APP_ID, APP_SECRET, LiveStack, live_stack
from tests.support.world import ADMIN

# Short budgets so a hanging provider costs three seconds, not thirty; one retry so a scenario's
# outage never opens the circuit breaker (5 consecutive failures) for the next step.
STACK_ENV = {"IKHOKHA_TIMEOUT_MS": "1500", "IKHOKHA_DEADLINE_MS": "3000",
             "IKHOKHA_RETRY_ATTEMPTS": "1"}
HOLD_CALLBACKS = {"callback_reorder": True}
WEBHOOK = "/webhooks/ikhokha"


class ShiftedClock:
    """The system clock, `ahead` later: what the checker would see after waiting."""

    def __init__(self, ahead: timedelta) -> None:
        self._ahead = ahead

    def now(self) -> datetime:
        return datetime.now(UTC) + self._ahead


def refusal(status: int, body: Any) -> Refusal | None:
    if status < 400:
        return None
    return Refusal(body["code"], body["category"], body["retryable"], body["user_message"])


def view(body: dict[str, Any]) -> PaymentView:
    def money(m: dict[str, Any]) -> Money:
        return Money(m["amount"], m["currency"])

    return PaymentView(body["status"], money(body["amount"]), money(body["refunded_amount"]),
                       body["checkout_url"], body["review_reason"], body["user_message"])


class HttpDriver:
    name = "http"

    def __init__(self, runner: asyncio.Runner) -> None:
        self._runner = runner
        self._context = live_stack(**STACK_ENV)
        self.stack: LiveStack = self.run(self._context.__aenter__())
        self.run(self.stack.control.set_faults(**HOLD_CALLBACKS))
        self._watchers = Watchers(self.stack)
        self._enrollments: dict[tuple[str, str], str] = {}
        self._latest: dict[str, str] = {}
        self._payments: dict[str, dict[str, Any]] = {}
        self._keys: dict[str, tuple[str, str]] = {}
        self._refunds: dict[str, str] = {}
        self._counter = 0
        self._ahead = timedelta()

    def run(self, coro: Any) -> Any:
        return self._runner.run(coro)

    def call(self, method: str, path: str, who: str = "admin-1", role: str = "admin",
             key: str | None = None, **kw: Any) -> tuple[int, Any]:
        headers = {**self.stack.auth(who, role), **({"Idempotency-Key": key} if key else {})}
        return self.run(self.stack.call(method, path, headers=headers, **kw))  # type: ignore[no-any-return]

    def _new_key(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}-{self._counter:012d}"

    def _sql(self, query: str, **params: Any) -> list[Any]:
        async def fetch() -> list[Any]:
            async with self.stack.container.engine().connect() as conn:
                return list((await conn.execute(text(query), params)).all())
        return self.run(fetch())  # type: ignore[no-any-return]

    # -- the platform and the student ---------------------------------------------------
    def offer_course(self, student: str, course: str, price: Money) -> Refusal | None:
        self.run(self._watchers.ensure(student_sub(student)))
        status, body = self.call("POST", "/api/v1/enrollments", "platform", "service", json={
            "student_id": student_sub(student), "course_id": course_id(course),
            "price": {"amount": price.amount_minor, "currency": price.currency}})
        if status == 201:
            self._enrollments[(student, course)] = self._latest[student] = body["id"]
        return refusal(status, body)

    def courses_waiting_for_payment(self, student: str) -> int:
        rows = self._sql("SELECT count(*) FROM enrollments WHERE student_id = :s AND "
                         "status = 'pending_payment'", s=student_sub(student))
        return int(rows[0][0])

    def _checkout(self, actor: str, body: dict[str, Any], key: str) -> Refusal | None:
        status, answer = self.call("POST", "/api/v1/payments", student_sub(actor), "student",
                                   key=key, json=body)
        if status == 201:
            self._payments[actor] = answer
        return refusal(status, answer)

    def start_checkout(self, student: str, course: str | None = None,
                       same_request: bool = False) -> Refusal | None:
        enrollment = self._enrollments[(student, course)] if course else self._latest[student]
        if not same_request or student not in self._keys:
            self._keys[student] = (self._new_key("checkout"), enrollment)
        key, enrollment = self._keys[student]
        return self._checkout(student, {"enrollment_id": enrollment}, key)

    def start_checkout_as(self, student: str, owner: str) -> Refusal | None:
        return self._checkout(student, {"enrollment_id": self._latest[owner]},
                              self._new_key("other"))

    def start_checkout_for_unknown_course(self, student: str) -> Refusal | None:
        return self._checkout(student, {"enrollment_id": "enr_never_offered"},
                              self._new_key("unknown"))

    def start_checkout_with_own_price(self, student: str, price: Money) -> Refusal | None:
        return self._checkout(student, {"enrollment_id": self._latest[student], "amount": {
            "amount": price.amount_minor, "currency": price.currency}}, self._new_key("price"))

    def send_card_number(self, student: str, number: str) -> Refusal | None:
        return self._checkout(student, {"enrollment_id": "enr_1", "card": {"number": number}},
                              self._new_key("card"))

    def _paylink(self, student: str) -> str:
        return str(self._payments[student]["gateway_reference"])

    def pay_on_payment_page(self, student: str, outcome: str) -> None:
        self.run(self.stack.control.settle(self._paylink(student), outcome))

    def payment(self, student: str) -> PaymentView:
        status, body = self.call("GET", f"/api/v1/payments/{self._payments[student]['id']}")
        assert status == 200, body
        return view(body)

    def payment_as(self, viewer: str, owner: str) -> PaymentView | Refusal:
        status, body = self.call("GET", f"/api/v1/payments/{self._payments[owner]['id']}",
                                 student_sub(viewer), "student")
        return refusal(status, body) or view(body)

    def payments_of(self, student: str) -> list[PaymentView]:
        status, body = self.call("GET", "/api/v1/payments", student_sub(student), "student")
        assert status == 200, body
        return [view(item) for item in body["items"]]

    def enrollment_status(self, student: str, course: str | None = None) -> str:
        enrollment = self._enrollments[(student, course)] if course else self._latest[student]
        status, body = self.call("GET", f"/api/v1/enrollments/{enrollment}")
        assert status == 200, body
        return str(body["status"])

    def watch_from_now(self, student: str) -> None:
        """Events reach the browser from the outbox, a little after the fact: first wait
        until everything written for this student so far has arrived."""
        sub = student_sub(student)
        written = sum(1 for (payload,) in self._sql("SELECT payload FROM outbox")
                      if json.loads(payload).get("student_id") == sub)
        watch = self._watchers.get(sub)
        self.run(watch.caught_up(written))
        watch.mark()

    def events_seen_by(self, student: str, until: str) -> list[str]:
        return self.run(self._watchers.get(student_sub(student)).seen(until))  # type: ignore[no-any-return]

    def _trail(self, student: str) -> list[dict[str, Any]]:
        status, body = self.call("GET", f"/api/v1/payments/{self._payments[student]['id']}/audit")
        assert status == 200, body
        return list(body["items"])

    def times_unlocked(self, student: str) -> int:
        return sum(1 for e in self._trail(student)
                   if (e["entity"], e["to_status"]) == ("enrollment", "active"))

    # -- the payment provider ----------------------------------------------------------------
    def payment_links(self) -> int:
        return len(self.run(self.stack.control.state())["paylinks"])

    def provider_reports(self, student: str, amount: Money) -> None:
        self.run(self.stack.control.tamper(self._paylink(student), amount.amount_minor))

    def _recorded_message(self, student: str) -> dict[str, Any]:
        state = self.run(self.stack.control.state())
        sent = [c for c in state["callbacks"]
                if c["paylinkID"] == self._paylink(student) and "body" in c]
        assert sent, "the payment provider never sent a message for this payment"
        return sent[-1]  # type: ignore[no-any-return]

    def _post_message(self, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        return self.run(self.stack.call("POST", WEBHOOK, data=body, headers=headers))  # type: ignore[no-any-return]

    def deliver_provider_message(self, student: str, went_through: bool,
                                 times: int = 1) -> None:
        flushed = self.run(self.stack.control.flush_callbacks())
        message = self._recorded_message(student)
        said = json.loads(message["body"])["status"]
        assert said == ("SUCCESS" if went_through else "FAILURE"), said
        self.replay_provider_message(student, times - min(flushed, 1))

    def replay_provider_message(self, student: str, times: int) -> None:
        message = self._recorded_message(student)
        for _ in range(times):
            status, ack = self._post_message(message["body"].encode(), message["headers"])
            assert status == 200, ack

    def _success_body(self, student: str) -> bytes:
        link = next(p for p in self.run(self.stack.control.state())["paylinks"]
                    if p["paylinkID"] == self._paylink(student))
        return json.dumps({"paylinkID": link["paylinkID"], "status": "SUCCESS",
                           "externalTransactionID": link["externalTransactionID"],
                           "responseCode": "00"}, separators=(",", ":")).encode()

    def unconfirmed_success_message(self, student: str) -> None:
        """Signed with the real secret, yet the provider's records still say pending."""
        body = self._success_body(student)
        signature = sign(APP_SECRET, WEBHOOK, body.decode())
        status, ack = self._post_message(body, {"ik-appid": APP_ID, "ik-sign": signature,
                                                "Content-Type": "application/json"})
        assert status == 200, ack

    def forged_success_message(self, student: str) -> Refusal | None:
        body = self._success_body(student)
        self.pay_on_payment_page(student, "pay")  # even if it were paid
        status, answer = self._post_message(body, {"ik-appid": APP_ID,
                                                   "ik-sign": "f" * 64,
                                                   "Content-Type": "application/json"})
        return refusal(status, answer)

    def security_record(self) -> list[tuple[str, str | None]]:
        rows = self._sql("SELECT action, reason FROM audit_entries WHERE entity = 'webhook' "
                         "ORDER BY seq")
        return [(row[0], row[1]) for row in rows]

    def _faults(self, **faults: Any) -> None:
        self.run(self.stack.control.set_faults(**faults))

    def provider_times_out(self) -> None:
        self._faults(hang=True)

    def provider_down(self) -> None:
        self._faults(reset=True)

    def provider_recovers(self) -> None:
        self._faults(clear=True, **HOLD_CALLBACKS)

    def provider_refunds_by_itself(self, able: bool) -> None:
        assert not able, "iK Pay has no refund call: refunds are made in its dashboard"

    def run_checker(self, minutes: int) -> None:
        self._ahead += timedelta(minutes=minutes)
        container = self.stack.container
        checker = CheckPendingPayments(container.tx(), container.measured_gateway(),
                                       container.verify_payment(), ShiftedClock(self._ahead))
        self.run(checker())

    # -- admins and operators ------------------------------------------------------------------
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

    def close(self) -> None:
        try:
            self.run(self._watchers.close())
        finally:
            self.run(self._context.__aexit__(None, None, None))
