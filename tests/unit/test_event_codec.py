"""The outbox codec rebuilds every kind of domain event exactly."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.sql.event_codec import decode_event, encode_event
from domain.money import Money
from domain.refund import Refund
from tests.support.builders import T0, enrollment, payment, succeeded

pytestmark = pytest.mark.unit


def recorded_events() -> list:
    paid, enr = succeeded(), enrollment()
    enr.activate(payment_id=paid.id, at=T0, actor="system")
    enr.revoke(reason="refunded", at=T0, actor="admin:a")
    paid.reserve_refund(Money(100, "ZAR"))
    paid.complete_refund(Money(100, "ZAR"), at=T0, actor="admin:a", reason="goodwill")
    paid.flag_for_review("amount_mismatch", at=T0)
    expired = payment("pay_2", paylink="pl_2")
    expired.expire(at=T0 + timedelta(hours=2), actor="system")
    refund = Refund.request(refund_id="ref_1", payment_id="pay_1", student_id="stu_1",
                            amount=Money(100, "ZAR"), reason="r", at=T0, actor="admin:a")
    refund.succeed(gateway_reference="gw_1", at=T0, actor="admin:a")
    return [*paid.events, *enr.events, *expired.events, *refund.events]


@pytest.mark.parametrize("event", recorded_events(), ids=lambda e: e.name)
def test_event_round_trips(event):
    name, payload = encode_event(event)
    assert name == event.name
    rebuilt = decode_event(name, payload)
    assert rebuilt == event and type(rebuilt) is type(event)
    assert rebuilt.occurred_at.tzinfo is not None


def test_unknown_event_names_are_refused():
    with pytest.raises(ValueError):
        decode_event("Money", "{}")
