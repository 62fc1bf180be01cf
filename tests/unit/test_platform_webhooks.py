import base64
import hashlib
import hmac
import json

import pytest

from adapters.memory.webhook_deliveries import MemoryDeliveryStore
from adapters.platform_webhooks.signing import headers, sign
from application.platform_webhooks import (
    RETRY_SCHEDULE,
    DeliverPlatformWebhooks,
    EnqueuePlatformWebhooks,
)
from domain.events import EnrollmentCreated

pytestmark = pytest.mark.unit


def test_signature_matches_the_standard_webhooks_published_vector():
    assert sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330, b'{"test": 2432232314}') == \
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_headers_carry_id_timestamp_and_a_verifiable_signature():
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    sent = headers(secret, "evt_1", 1700000000, b"{}")
    expected = base64.b64encode(hmac.new(b"k" * 32, b"evt_1.1700000000.{}",
                                         hashlib.sha256).digest()).decode()
    assert sent["webhook-id"] == "evt_1" and sent["webhook-timestamp"] == "1700000000"
    assert sent["webhook-signature"] == f"v1,{expected}"


class RecordingSender:
    def __init__(self, answers):
        self.answers, self.sent = list(answers), []

    async def send(self, url, event_id, body):
        self.sent.append((url, event_id, json.loads(body)))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def event(world, student="stu-1"):
    return EnrollmentCreated(occurred_at=world.clock.now(), student_id=student,
                             entity="enrollment", entity_id="enr_1", from_status=None,
                             to_status="pending_payment", actor="service:platform",
                             course_id="c")


async def test_each_event_is_enqueued_once_per_url_even_when_relayed_twice(world):
    store = MemoryDeliveryStore()
    enqueue = EnqueuePlatformWebhooks(store, ["https://a.test/h", "https://b.test/h"],
                                      world.clock)
    await enqueue.publish([event(world)])
    await enqueue.publish([event(world)])  # the outbox is at-least-once
    assert sorted(d.url for d in store.deliveries.values()) == ["https://a.test/h",
                                                                "https://b.test/h"]
    body = json.loads(next(iter(store.deliveries.values())).body)
    assert body["type"] == "EnrollmentCreated" and "actor" not in body["data"]


async def test_failed_deliveries_follow_the_retry_schedule_then_succeed(world):
    store = MemoryDeliveryStore()
    await EnqueuePlatformWebhooks(store, ["https://a.test/h"], world.clock).publish(
        [event(world)])
    sender = RecordingSender([500, ConnectionRefusedError(), 204])
    deliver = DeliverPlatformWebhooks(store, sender, world.clock)
    assert await deliver() == 0
    assert await deliver() == 0  # not due yet: 5 s later
    world.clock.advance(seconds=5)
    assert await deliver() == 0
    world.clock.advance(minutes=5)
    assert await deliver() == 1
    (delivery,) = store.deliveries.values()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == \
        ("delivered", 3, 204)
    assert len({event_id for _, event_id, _ in sender.sent}) == 1  # same webhook-id


async def test_a_delivery_is_given_up_after_the_whole_schedule(world):
    store = MemoryDeliveryStore()
    await EnqueuePlatformWebhooks(store, ["https://a.test/h"], world.clock).publish(
        [event(world)])
    deliver = DeliverPlatformWebhooks(store, RecordingSender([503] * 20), world.clock)
    for _ in range(len(RETRY_SCHEDULE) + 1):
        await deliver()
        world.clock.advance(hours=11)
    (delivery,) = store.deliveries.values()
    assert delivery.status == "failed" and delivery.attempts == len(RETRY_SCHEDULE) + 1
    assert await deliver() == 0
