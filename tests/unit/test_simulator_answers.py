"""The simulator's status and history items: iK Pay's shape by default (no currency),
and the answer-shape knobs (lag, missing amount, another amount, currency)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from adapters.simulator.answers import status_item
from adapters.simulator.config import Faults, SimulatorConfig
from adapters.simulator.state import SimPaylink, SimState

pytestmark = pytest.mark.unit
T0 = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def setup(**faults: object) -> tuple[SimState, SimPaylink, Clock]:
    clock = Clock()
    state = SimState(SimulatorConfig("app", "secret", clock=clock,
                                     faults=msgspec.convert(faults, Faults)))
    link = SimPaylink("2zh1zj6y8xpb0g3", "pay_1", 49900, "ZAR", None, {}, T0)
    state.paylinks[link.paylink_id] = link
    return state, link, clock


def settle(link: SimPaylink, clock: Clock, status: str = "SUCCESS") -> None:
    link.status, link.settled_at = status, clock()


def test_default_shape_is_ik_pays_without_currency() -> None:
    state, link, clock = setup()
    settle(link, clock)
    assert status_item(state, link) == {
        "paylinkID": "2zh1zj6y8xpb0g3", "status": "SUCCESS", "amount": 49900,
        "externalTransactionID": "pay_1", "createdAt": "2026-11-29T09:30:00Z"}
    assert link.as_status()["currency"] == "ZAR"  # the truth still knows it


def test_currency_knob() -> None:
    state, link, _ = setup(status_currency=True)
    assert status_item(state, link)["currency"] == "ZAR"


def test_amount_missing_and_delta() -> None:
    state, link, _ = setup(status_amount_missing=True, status_amount_delta=5)
    assert "amount" not in status_item(state, link)
    state.set_faults({"status_amount_missing": False})
    assert status_item(state, link)["amount"] == 49905
    state.set_faults({"status_amount_delta": -50000})
    assert status_item(state, link)["amount"] == -100  # the adapter must call it malformed
    assert link.amount == 49900  # what was charged is unchanged


@pytest.mark.parametrize("status", ["SUCCESS", "FAILURE", "CANCELLED"])
def test_lag_answers_pending_until_it_has_passed(status: str) -> None:
    state, link, clock = setup(status_lag_ms=1500)
    assert status_item(state, link)["status"] == "PENDING"
    settle(link, clock, status)
    clock.now += timedelta(milliseconds=1499)
    assert status_item(state, link)["status"] == "PENDING"
    clock.now += timedelta(milliseconds=1)
    assert status_item(state, link)["status"] == status
    state.set_faults({"status_lag_ms": 0})
    clock.now = T0
    assert status_item(state, link)["status"] == status


@pytest.mark.parametrize("bad", [{"callback_format": "yaml"}, {"status_lag_ms": -1},
                                 {"status_amount_delta": 1.5}, {"status_currency": "yes"},
                                 {"status_amount_missing": 1}])
def test_knob_values_are_validated(bad: dict[str, object]) -> None:
    state, _, _ = setup()
    with pytest.raises(msgspec.ValidationError):
        state.set_faults(dict(bad))
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(bad, Faults)
