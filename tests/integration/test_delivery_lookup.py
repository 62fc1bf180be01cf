"""The delivery log finds a payment's deliveries (for the operator's payment page) the
same way in memory, SQLite and PostgreSQL: by a whole JSON string in the body, so one id
that is a prefix of another, or ids with `_` and `%` (LIKE wildcards), never match
another payment's events."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from adapters.memory.webhook_deliveries import MemoryDeliveryStore
from adapters.sql.webhook_deliveries import SqlDeliveryStore
from application.platform_webhooks import Delivery
from tests.support.builders import T0

pytestmark = pytest.mark.integration


def _delivery(n: int, entity_id: str, at=T0) -> Delivery:
    body = json.dumps({"id": f"evt_{n}", "type": "PaymentSucceeded",
                       "data": {"entity_id": entity_id}}, separators=(",", ":")).encode()
    return Delivery(id=f"evt_{n}-0", event_id=f"evt_{n}", url="https://p.test/h", body=body,
                    created_at=at, next_attempt_at=at)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request):
    if request.param == "memory":
        return MemoryDeliveryStore()
    return SqlDeliveryStore(request.getfixturevalue(f"{request.param}_engine"))


async def test_deliveries_are_found_by_the_ids_their_events_name(store):
    await store.enqueue([_delivery(1, "pay_a_1"), _delivery(2, "pay_a_10"),
                         _delivery(3, "pay_a%1"), _delivery(4, "enr_9"),
                         _delivery(5, "pay_a_1", at=T0 - timedelta(days=1))])
    found = await store.mentioning(["pay_a_1", "enr_9"], T0, 50)
    assert [d.id for d in found] == ["evt_1-0", "evt_4-0"]  # not 10, not %, not older
    assert (await store.get("evt_4-0")).body == _delivery(4, "enr_9").body
    assert await store.get("evt_404-0") is None
