"""The `memory` stack: use-cases on memory storage, the fake gateway and a fixed clock
(tests/support/money_back.py). Fast; the reference for what every scenario means.

Guards that live only at the HTTP edge (card data, unknown request fields) are asked of
the same app the `http` stack runs, built in-process on memory storage and the fake
gateway (tests/support/secure_api.py)."""

from __future__ import annotations

import asyncio
from contextlib import ExitStack
from typing import Any

from application.student_messages import student_message
from application.use_cases.enrollments import CreateEnrollmentCommand
from application.use_cases.start_payment import StartPaymentCommand
from domain.classification import classify
from domain.enrollment import Enrollment
from domain.gateway_report import GatewayStatus
from domain.money import Money
from domain.payment import Payment
from domain.refund import Refund
from tests.bdd.drivers.analytics import MemoryAnalyticsActions
from tests.bdd.drivers.base import PaymentView, Refusal, course_id, student_sub
from tests.bdd.drivers.memory_admin import MemoryAdminActions
from tests.bdd.drivers.memory_provider import MemoryProviderActions
from tests.bdd.drivers.risk import MemoryRiskActions
from tests.support.money_back import MoneyBackWorld
from tests.support.secure_api import SecureApi, secure_api
from tests.support.world import SERVICE, student

SETTLE = {"pay": (GatewayStatus.SUCCESS, None),
          "decline": (GatewayStatus.FAILURE, "payment_declined"),
          "insufficient_funds": (GatewayStatus.FAILURE, "insufficient_funds"),
          "cancel": (GatewayStatus.CANCELLED, None)}


def refusal(failure: BaseException) -> Refusal:
    told = classify(failure)
    extra = getattr(failure, "extra", None) or {}
    return Refusal(told.code, told.category.value, told.retryable,
                   extra.get("user_message") or told.user_message, extra.get("enrollment_id"))


def view(payment: Payment) -> PaymentView:
    return PaymentView(payment.status.value, payment.amount, payment.refunded,
                       payment.checkout_url, payment.review_reason, student_message(payment))


class MemoryDriver(MemoryProviderActions, MemoryAdminActions, MemoryAnalyticsActions,
                   MemoryRiskActions):
    name = "memory"

    def __init__(self, runner: asyncio.Runner) -> None:
        self._runner = runner
        self.world = MoneyBackWorld(risk=True)
        self._enrollments: dict[tuple[str, str], Enrollment] = {}
        self._latest: dict[str, Enrollment] = {}
        self._payments: dict[str, Payment] = {}
        self._keys: dict[str, str] = {}
        self._refunds: dict[str, Refund] = {}
        self._counter = 0
        self._edge: SecureApi | None = None
        self._exits = ExitStack()
        self._marks: dict[str, int] = {}
        self._lagging = False
        self._lagged: dict[str, tuple[GatewayStatus, str | None]] = {}

    def run(self, coro: Any) -> Any:
        return self._runner.run(coro)

    def _try(self, coro: Any) -> tuple[Any, Refusal | None]:
        try:
            return self.run(coro), None
        except Exception as failure:  # the Then steps say what the caller was told
            return None, refusal(failure)

    def _new_key(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}-{self._counter:012d}"

    def _edge_app(self) -> SecureApi:
        if self._edge is None:
            self._edge = self._exits.enter_context(secure_api())
        return self._edge

    # -- the platform and the student ---------------------------------------------------
    def offer_course(self, student_name: str, course: str, price: Money) -> Refusal | None:
        enrollment, refused = self._try(self.world.create_enrollment(CreateEnrollmentCommand(
            SERVICE, student_sub(student_name), course_id(course), price)))
        if enrollment is not None:
            self._enrollments[(student_name, course)] = self._latest[student_name] = enrollment
        return refused

    def courses_waiting_for_payment(self, student_name: str) -> int:
        return sum(1 for e in self.world.store.enrollments.values()
                   if e.student_id == student_sub(student_name)
                   and e.status.value == "pending_payment")

    def _checkout(self, actor_name: str, enrollment_id: str, key: str) -> Refusal | None:
        payment, refused = self._try(self.world.start_payment(StartPaymentCommand(
            student(student_sub(actor_name)), enrollment_id, key)))
        if payment is not None:
            self._payments[actor_name] = payment
        return refused

    def start_checkout(self, student_name: str, course: str | None = None,
                       same_request: bool = False) -> Refusal | None:
        enrollment = (self._enrollments[(student_name, course)] if course
                      else self._latest[student_name])
        if not same_request or student_name not in self._keys:
            self._keys[student_name] = self._new_key("checkout")
        return self._checkout(student_name, enrollment.id, self._keys[student_name])

    def start_checkout_as(self, student_name: str, owner: str) -> Refusal | None:
        return self._checkout(student_name, self._latest[owner].id, self._new_key("other"))

    def start_checkout_for_unknown_course(self, student_name: str) -> Refusal | None:
        return self._checkout(student_name, "enr_never_offered", self._new_key("unknown"))

    def start_checkout_with_own_price(self, student_name: str, price: Money) -> Refusal | None:
        api = self._edge_app()
        answer = api.client.post(
            "/api/v1/payments", headers={**api.auth(student_sub(student_name)),
                                         "Idempotency-Key": self._new_key("own-price")},
            json={"enrollment_id": self._latest[student_name].id,
                  "amount": {"amount": price.amount_minor, "currency": price.currency}})
        return problem(answer.status_code, answer.json())

    def send_card_number(self, student_name: str, number: str) -> Refusal | None:
        api = self._edge_app()
        answer = api.client.post(
            "/api/v1/payments", json={"enrollment_id": "enr_1", "card": {"number": number}},
            headers={**api.auth(student_sub(student_name)),
                     "Idempotency-Key": self._new_key("card")})
        return problem(answer.status_code, answer.json())

    def _paylink(self, student_name: str) -> str:
        return self._payments[student_name].paylink_id or ""

    def pay_on_payment_page(self, student_name: str, outcome: str) -> None:
        """While the provider's records lag (`provider_records_lag`), the fake keeps
        answering PENDING until `provider_catches_up`."""
        status, code = SETTLE[outcome]
        if self._lagging:
            self._lagged[self._paylink(student_name)] = status, code
            return
        self.world.gateway.settle(self._paylink(student_name), status, failure_code=code)

    def payment(self, student_name: str) -> PaymentView:
        return view(self.world.payment_row(self._payments[student_name].id))

    def payment_as(self, viewer: str, owner: str) -> PaymentView | Refusal:
        found, refused = self._try(self.world.get_payment(
            student(student_sub(viewer)), self._payments[owner].id))
        return refused or view(found)

    def payments_of(self, student_name: str) -> list[PaymentView]:
        return [view(p) for p in self.world.store.payments.values()
                if p.student_id == student_sub(student_name)]

    def enrollment_status(self, student_name: str, course: str | None = None) -> str:
        enrollment = (self._enrollments[(student_name, course)] if course
                      else self._latest[student_name])
        return self.world.enrollment_row(enrollment.id).status.value

    def enrollment_ref(self, student_name: str, course: str) -> str:
        return self._enrollments[(student_name, course)].id

    def _events(self, student_name: str) -> list[str]:
        return [e.name for e in self.world.notifier.sent
                if e.student_id == student_sub(student_name)]

    def watch_from_now(self, student_name: str) -> None:
        self._marks[student_name] = len(self._events(student_name))

    def events_seen_by(self, student_name: str, until: str) -> list[str]:
        return self._events(student_name)[self._marks.get(student_name, 0):]

    def times_unlocked(self, student_name: str) -> int:
        return self._events(student_name).count("EnrollmentActivated")

    def close(self) -> None:
        self._exits.close()


def problem(status: int, body: Any) -> Refusal | None:
    if status < 400:
        return None
    return Refusal(body["code"], body["category"], body["retryable"], body["user_message"],
                   body.get("enrollment_id"))
