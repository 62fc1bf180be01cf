"""What the payment provider does on the `memory` stack: the fake gateway's signed
messages, its queued failures, and the checker on the world's fixed clock (a mixin of
MemoryDriver)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from domain.gateway_report import GatewayStatus
from domain.money import Money
from tests.bdd.drivers.base import Refusal
from tests.support.money_back import MoneyBackWorld


class MemoryProviderActions:
    world: MoneyBackWorld
    _lagging: bool
    _lagged: dict[str, tuple[GatewayStatus, str | None]]

    if TYPE_CHECKING:  # provided by the driver this is mixed into
        def run(self, coro: Any) -> Any: ...
        def _try(self, coro: Any) -> tuple[Any, Refusal | None]: ...
        def _paylink(self, student_name: str) -> str: ...

    def payment_links(self) -> int:
        return len(self.world.gateway.paylinks)

    def provider_reports(self, student_name: str, amount: Money) -> None:
        self.world.gateway.paylinks[self._paylink(student_name)].reported_amount = amount

    def _callback(self, headers: dict[str, str], body: bytes) -> None:
        self.run(self.world.handle_callback(headers, body))

    def deliver_provider_message(self, student_name: str, went_through: bool,
                                 times: int = 1) -> None:
        body, headers = self.world.gateway.signed_callback(
            self._paylink(student_name), status="SUCCESS" if went_through else "FAILURE")
        for _ in range(times):
            self._callback(headers, body)

    def replay_provider_message(self, student_name: str, times: int) -> None:
        self.deliver_provider_message(student_name, True, times)

    def unconfirmed_success_message(self, student_name: str) -> None:
        self.deliver_provider_message(student_name, True)

    def forged_success_message(self, student_name: str) -> Refusal | None:
        body, _ = self.world.gateway.signed_callback(self._paylink(student_name),
                                                     status="SUCCESS")
        _, refused = self._try(self.world.handle_callback({"ik-sign": "f" * 64}, body))
        return refused

    def security_record(self) -> list[tuple[str, str | None]]:
        return [(a.action, a.reason) for a in self.world.store.audit if a.entity == "webhook"]

    def provider_times_out(self) -> None:
        for call in ("create_paylink", "get_status"):
            self.world.gateway.fail_next(call, TimeoutError(), times=1000)

    def provider_down(self) -> None:
        for call in ("create_paylink", "get_status"):
            self.world.gateway.fail_next(call, ConnectionRefusedError(), times=1000)

    def provider_recovers(self) -> None:
        self.world.gateway.clear_failures()

    def provider_refunds_by_itself(self, able: bool) -> None:
        self.world.gateway.can_refund = able

    def provider_reports_without_currency(self, student_name: str, extra: Money) -> None:
        """The fake's answers are already read (a `Money` always has a currency): on this
        stack this is another amount. The missing currency is a wire shape, seen on http."""
        link = self.world.gateway.paylinks[self._paylink(student_name)]
        link.reported_amount = link.request.amount + extra

    def provider_records_lag(self) -> None:
        self._lagging = True

    def provider_catches_up(self) -> None:
        self._lagging = False
        for paylink, (status, code) in self._lagged.items():
            self.world.gateway.settle(paylink, status, failure_code=code)
        self._lagged.clear()

    def run_checker(self, after: timedelta) -> None:
        self.world.clock.advance(seconds=after.total_seconds())
        self.run(self.world.check_pending())

