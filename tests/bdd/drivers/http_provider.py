"""What the payment provider does on the `http` stack: the iK Pay simulator's genuine
signed messages (held, then delivered or replayed), its fault knobs, and the app's own
checker run with a clock moved on (a mixin of HttpDriver)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from adapters.ikhokha.signing import sign
from application.use_cases.check_pending import CheckPendingPayments
from domain.money import Money
from tests.bdd.drivers.base import Refusal
from tests.bdd.drivers.http_admin import refusal
from tests.support.live_stack import APP_ID, APP_SECRET

HOLD_CALLBACKS = {"callback_reorder": True}
# Longer than any scenario: the records stay behind until `provider_catches_up` ends the lag.
LONG_LAG_MS = 10 * 60 * 1000
WEBHOOK = "/webhooks/ikhokha"


class ShiftedClock:
    """The system clock, `ahead` later: what the checker would see after waiting."""

    def __init__(self, ahead: timedelta) -> None:
        self._ahead = ahead

    def now(self) -> datetime:
        return datetime.now(UTC) + self._ahead


class HttpProviderActions:
    stack: Any
    _ahead: timedelta

    if TYPE_CHECKING:  # provided by the driver this is mixed into
        def run(self, coro: Any) -> Any: ...
        def _sql(self, query: str, **params: Any) -> list[Any]: ...
        def _paylink(self, student: str) -> str: ...
        def pay_on_payment_page(self, student: str, outcome: str) -> None: ...

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

    def provider_reports_without_currency(self, student: str, extra: Money) -> None:
        """iK Pay's status answers carry no currency: the simulator's default, said here."""
        faults = self.run(self.stack.control.set_faults(
            status_amount_delta=extra.amount_minor, status_currency=False))
        assert (faults["status_amount_delta"], faults["status_currency"]) == (
            extra.amount_minor, False), faults

    def provider_records_lag(self) -> None:
        """Settled paylinks keep answering PENDING to the status call (the callback still
        says what happened). The simulator measures the lag on the real clock, so the lag
        is long and catching up ends it: no scenario waits on time passing."""
        self._faults(status_lag_ms=LONG_LAG_MS)

    def provider_catches_up(self) -> None:
        self._faults(status_lag_ms=0)

    def run_checker(self, after: timedelta) -> None:
        self._ahead += after
        container = self.stack.container
        checker = CheckPendingPayments(container.tx(), container.measured_gateway(),
                                       container.verify_payment(), container.apply_report(),
                                       ShiftedClock(self._ahead))
        self.run(checker())

