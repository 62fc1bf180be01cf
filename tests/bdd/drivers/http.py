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
from datetime import timedelta
from typing import Any

from sqlalchemy import text

from domain.money import Money
from tests.bdd.drivers.analytics import HttpAnalyticsActions
from tests.bdd.drivers.base import PaymentView, Refusal, course_id, student_sub
from tests.bdd.drivers.http_admin import HttpAdminActions, refusal
from tests.bdd.drivers.http_provider import HOLD_CALLBACKS, HttpProviderActions
from tests.bdd.drivers.risk import HttpRiskActions
from tests.bdd.drivers.sse_watch import Watchers
from tests.support.live_stack import LiveStack, live_stack

# Short budgets so a hanging provider costs three seconds, not thirty; one retry so a scenario's
# outage never opens the circuit breaker (5 consecutive failures) for the next step.
STACK_ENV = {"IKHOKHA_TIMEOUT_MS": "1500", "IKHOKHA_DEADLINE_MS": "3000",
             "IKHOKHA_RETRY_ATTEMPTS": "1"}


def view(body: dict[str, Any]) -> PaymentView:
    def money(m: dict[str, Any]) -> Money:
        return Money(m["amount"], m["currency"])

    return PaymentView(body["status"], money(body["amount"]), money(body["refunded_amount"]),
                       body["checkout_url"], body["review_reason"], body["user_message"])


class HttpDriver(HttpProviderActions, HttpAdminActions, HttpAnalyticsActions, HttpRiskActions):
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
        """Run `coro` once acknowledged callbacks are processed (that happens after the
        200): every step reads what a student would see once the callback took effect."""
        async def settled_then() -> Any:
            stack = getattr(self, "stack", None)  # None while the stack starts
            if stack is not None:
                await stack.settled()
            return await coro

        return self._runner.run(settled_then())

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
        if status in (200, 201):  # 200: the checkout already in progress for the course
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

    def enrollment_ref(self, student: str, course: str) -> str:
        return self._enrollments[(student, course)]

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

    def close(self) -> None:
        try:
            self.run(self._watchers.close())
        finally:
            self.run(self._context.__aexit__(None, None, None))
