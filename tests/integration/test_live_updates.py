"""Students watch their own events live (SSE and WebSocket); admins see everyone's;
with Redis, an event produced on one API instance reaches a subscriber of another."""

from __future__ import annotations

from contextlib import asynccontextmanager

import aiohttp
import pytest

from application.event_payload import student_channel
from tests.support.live_stack import LiveStack, live_stack
from tests.support.redis_service import REDIS_URL, require_redis
from tests.support.sse import PROBE, SseStream, probe_until

pytestmark = pytest.mark.integration


@asynccontextmanager
async def subscribe(stack: LiveStack, sub: str, role: str = "student"):
    token = stack.tokens.mint(sub, role)
    async with stack.http.get(f"{stack.base_url}/api/v1/events",
                              params={"access_token": token},
                              timeout=aiohttp.ClientTimeout(total=None)) as response:
        assert response.status == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = SseStream(response)
        assert (await stream.next_event())[0] == "ready"
        yield stream


async def test_a_student_sees_own_events_only_and_an_admin_sees_all():
    async with live_stack() as stack, subscribe(stack, "stu-1") as mine, \
            subscribe(stack, "boss", "admin") as admin:
        await stack.enrollment(student="stu-2")
        other = await admin.wait_for("EnrollmentCreated")
        assert other["data"]["student_id"] == "stu-2"
        await stack.enrollment(student="stu-1")
        seen = await mine.wait_for("EnrollmentCreated")
        assert seen["data"]["student_id"] == "stu-1"  # stu-2's event never reached stu-1
        assert "actor" not in seen["data"] and seen["id"].startswith("evt_")


async def test_the_student_watches_the_course_unlock_over_a_websocket():
    async with live_stack() as stack:
        enrollment = await stack.enrollment()
        token = stack.tokens.mint("stu-1", "student")
        async with stack.http.ws_connect(f"{stack.base_url}/api/v1/events/ws",
                                         params={"access_token": token}) as ws:
            assert (await ws.receive_json(timeout=10))["type"] == "ready"
            _, payment = await stack.checkout(enrollment["id"])
            await stack.control.settle(payment["gateway_reference"], "pay")
            seen = []
            while "EnrollmentActivated" not in seen:
                seen.append((await ws.receive_json(timeout=10))["type"])
            assert "PaymentSucceeded" in seen


async def test_streams_refuse_anonymous_callers():
    async with live_stack() as stack:
        async with stack.http.get(f"{stack.base_url}/api/v1/events") as response:
            assert response.status == 401
        with pytest.raises(aiohttp.WSServerHandshakeError):
            async with stack.http.ws_connect(f"{stack.base_url}/api/v1/events/ws") as ws:
                await ws.receive(timeout=5)


def redis_available() -> None:
    """Skips without Redis; fails instead in CI (CI=true) or with SKILLPAY_REQUIRE_REDIS=1."""
    require_redis()


async def test_two_instances_sharing_redis_deliver_each_others_events():
    redis_available()
    async with live_stack(REDIS_URL=REDIS_URL) as producer, \
            live_stack(REDIS_URL=REDIS_URL) as consumer, \
            subscribe(consumer, "stu-7") as stream:
        # Live once a probe published on the producer reaches the consumer's stream.
        await probe_until(producer.container.channels(), student_channel("stu-7"),
                          lambda: stream.wait_for(PROBE))
        created = await producer.enrollment(student="stu-7")
        seen = await stream.wait_for("EnrollmentCreated")
        assert seen["data"]["entity_id"] == created["id"]


async def test_streams_end_when_their_token_expires():
    from datetime import timedelta

    async with live_stack() as stack:
        token = stack.tokens.mint("stu-1", "student", ttl=timedelta(seconds=2))
        async with stack.http.get(f"{stack.base_url}/api/v1/events",
                                  params={"access_token": token},
                                  timeout=aiohttp.ClientTimeout(total=None)) as response:
            stream = SseStream(response)
            assert (await stream.next_event())[0] == "ready"
            last = await stream.wait_for("token_expired", timeout=15)
            assert last["reason"] == "token_expired"
            with pytest.raises(ConnectionError):
                await stream.next_event(timeout=15)  # the server ended the stream
        token = stack.tokens.mint("stu-1", "student", ttl=timedelta(seconds=2))
        async with stack.http.ws_connect(f"{stack.base_url}/api/v1/events/ws",
                                         params={"access_token": token}) as ws:
            assert (await ws.receive_json(timeout=10))["type"] == "ready"
            closing = await ws.receive(timeout=15)
            assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
            assert ws.close_code == 4401
