"""A Hypothesis state machine whose rules are the use-cases, on any storage backend.

Rules: create enrollments, start payments (idempotent keys), the gateway settling or
contradicting itself, signed callbacks delivered once, twice or late, verify, refunds
(by API or manual, partial or full), confirming manual refunds, reverts, the checker
with time passing. After every step the invariants are checked against the real state.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, multiple, rule

from application.use_cases.refund_queries import ConfirmRefund
from application.use_cases.request_refund import RequestRefund, RequestRefundCommand
from application.use_cases.revert_enrollment import RevertEnrollment
from domain.classification import ClassifiedFailure
from domain.errors import DomainError
from domain.events import EnrollmentActivated, Transitioned
from domain.gateway_report import GatewayStatus
from domain.refund import RefundStatus
from tests.reliability.model import CAPTURED, Model, ModelPayment
from tests.support.world import ADMIN, World, student

EXPECTED = (ClassifiedFailure, DomainError)


class PaymentsMachine(RuleBasedStateMachine):
    """`make_world(runner)` returns (World, cleanup coroutine factory) for one example."""

    make_world: Callable[[asyncio.Runner], tuple[World, Callable[[], Any]]]

    enrollments = Bundle("enrollments")
    payments = Bundle("payments")
    paid = Bundle("paid")

    examples = 0
    steps = 0

    def __init__(self) -> None:
        super().__init__()
        type(self).examples += 1
        self.runner = asyncio.Runner()
        self.world, self._cleanup = type(self).make_world(self.runner)
        self.model = Model()
        self.refunds_use = RequestRefund(self.world.tx, self.world.gateway, self.world.clock,
                                         self.world.ids)
        self.confirm = ConfirmRefund(self.world.tx, self.world.clock)
        self.revert = RevertEnrollment(self.world.tx, self.world.clock)
        self.manual: list[str] = []
        self.n = 0

    def run(self, coro: Any) -> Any:
        return self.runner.run(coro)

    def attempt(self, coro: Any) -> Any:
        with contextlib.suppress(*EXPECTED):
            return self.run(coro)
        return None

    def teardown(self) -> None:
        with contextlib.suppress(Exception):
            self.run(self._cleanup())
        self.runner.close()

    # -- rules ------------------------------------------------------------------------
    @rule(target=enrollments, amount=st.sampled_from([100, 4990, 49900]))
    def create_enrollment(self, amount: int) -> str:
        self.n += 1
        e = self.run(self.world.enrollment(student_id=f"stu-{self.n}", amount=amount))
        return str(e.id)

    @rule(target=payments, enrollment_id=enrollments, key=st.integers(0, 2))
    def start_payment(self, enrollment_id: str, key: int) -> Any:
        enrollment = self.run(self.world.get_enrollment(ADMIN, enrollment_id))
        p = self.attempt(self.world.checkout(enrollment, key=f"model-key-{key:011d}"))
        if p is None or p.paylink_id is None or p.id in self.model.payments:
            return multiple()
        self.model.payments[p.id] = ModelPayment(p.id, enrollment_id, p.paylink_id,
                                                 p.amount.amount_minor)
        return p.id

    @rule(payment_id=payments,
          outcome=st.sampled_from(["SUCCESS", "SUCCESS", "FAILURE", "CANCELLED"]),
          contradict=st.sampled_from([False, False, False, True]))
    def gateway_settles(self, payment_id: str, outcome: str, contradict: bool) -> None:
        m = self.model.payments[payment_id]
        if m.gateway != "PENDING" and not contradict:
            return  # a real gateway's final answer rarely changes; sometimes it does
        m.gateway = outcome
        m.ever_success |= outcome == "SUCCESS"
        self.world.gateway.settle(m.paylink_id, GatewayStatus(outcome))

    @rule(payment_id=payments, claim=st.sampled_from(["now"] * 4 + ["SUCCESS", "FAILURE"]),
          times=st.integers(1, 3))
    def deliver_callback(self, payment_id: str, claim: str, times: int) -> None:
        """Mostly what the gateway says now; sometimes a late or out-of-order claim."""
        m = self.model.payments[payment_id]
        if claim == "now":
            if m.gateway == "PENDING":
                return  # the gateway sends callbacks for final outcomes only
            claim = "SUCCESS" if m.gateway == "SUCCESS" else "FAILURE"
        body, headers = self.world.gateway.signed_callback(m.paylink_id, status=claim)
        for _ in range(times):
            self.run(self.world.handle_callback(headers, body))

    @rule(target=paid, payment_id=payments)
    def student_pays_and_we_hear_of_it(self, payment_id: str) -> Any:
        """The common happy path, so refunds and reverts have paid payments to act on."""
        m = self.model.payments[payment_id]
        if m.gateway == "PENDING":
            self.gateway_settles(payment_id, "SUCCESS", contradict=False)
        self.deliver_callback(payment_id, "now", times=1)
        status = self.run(self.world.get_payment(ADMIN, payment_id)).status.value
        return payment_id if status in CAPTURED else multiple()

    @rule(payment_id=payments)
    def verify(self, payment_id: str) -> None:
        m = self.model.payments[payment_id]
        owner = self.run(self.world.get_payment(ADMIN, payment_id)).student_id
        after = self.run(self.world.verify_payment(student(owner), payment_id))
        if m.gateway == "SUCCESS" and after.review_reason is None:
            assert after.status.value in CAPTURED, (payment_id, after.status)

    @rule(payment_id=paid, share=st.one_of(st.none(), st.integers(1, 120)),
          by_api=st.booleans())
    def refund(self, payment_id: str, share: int | None, by_api: bool) -> None:
        """All that is left (None) or a share in percent; over 100 is an over-refund."""
        m = self.model.payments[payment_id]
        amount = None if share is None else max(1, m.amount * share // 100)
        self.world.gateway.can_refund = by_api
        refund = self.attempt(self.refunds_use(RequestRefundCommand(
            ADMIN, payment_id, "model refund", amount)))
        if refund is not None and refund.status is RefundStatus.MANUAL_ACTION_REQUIRED:
            self.manual.append(refund.id)

    @rule(data=st.data())
    def confirm_manual_refund(self, data: st.DataObject) -> None:
        if self.manual:
            refund_id = data.draw(st.sampled_from(self.manual))
            self.attempt(self.confirm(ADMIN, refund_id, f"IKR-{refund_id[-6:]}"))

    @rule(enrollment_id=enrollments)
    def revert(self, enrollment_id: str) -> None:
        self.attempt(self.revert(ADMIN, enrollment_id, "model revert"))

    @rule(minutes=st.sampled_from([1, 3, 30, 60 * 25]))
    def time_passes_and_the_checker_runs(self, minutes: int) -> None:
        self.world.clock.advance(minutes=minutes)
        self.run(self.world.check_pending())

    # -- invariants ----------------------------------------------------------------------
    @invariant()
    def money_and_states_stay_right(self) -> None:
        type(self).steps += 1
        activations: dict[str, int] = {}
        for event in self.world.notifier.sent:
            if isinstance(event, EnrollmentActivated):
                activations[event.entity_id] = activations.get(event.entity_id, 0) + 1
        assert all(n == 1 for n in activations.values()), activations
        for m in self.model.payments.values():
            p = self.run(self.world.get_payment(ADMIN, m.id))
            assert 0 <= p.refunded_minor + p.reserved_minor <= p.amount.amount_minor
            assert self.model.allowed_next(m.last_seen, p.status.value), (m.last_seen, p.status)
            if p.status.value in CAPTURED:
                assert m.ever_success, f"{m.id} captured but the gateway never said SUCCESS"
            m.last_seen = p.status.value

    @invariant()
    def every_state_change_has_exactly_one_audit_entry(self) -> None:
        changes: dict[str, int] = {}
        for event in self.world.notifier.sent:
            if isinstance(event, Transitioned):
                changes[event.entity_id] = changes.get(event.entity_id, 0) + 1
        trail = self.run(self.world.tx.run(lambda uow: uow.audit.for_entities(list(changes))))
        audited: dict[str, int] = {}
        for entry in trail:
            if entry.to_status is not None:
                audited[entry.entity_id] = audited.get(entry.entity_id, 0) + 1
        assert audited == changes
