import asyncio

import pytest

from application.errors import InvalidInput
from application.idempotency import IdempotentRequests
from application.ports import StoredResponse
from domain.classification import ClassifiedFailure

pytestmark = pytest.mark.unit
KEY = "key-0123456789abcdef"


async def test_same_key_and_fingerprint_runs_once_and_replays(world):
    calls = []

    async def handler():
        calls.append(1)
        return StoredResponse(201, b'{"id":"p1"}'), True

    first = await world.idempotent.run("stu:POST /x", KEY, "fp1", handler)
    again = await world.idempotent.run("stu:POST /x", KEY, "fp1", handler)
    assert first == again and len(calls) == 1


async def test_a_different_body_is_refused(world):
    async def handler():
        return StoredResponse(201, b"{}"), True

    await world.idempotent.run("s", KEY, "fp1", handler)
    with pytest.raises(ClassifiedFailure) as refused:
        await world.idempotent.run("s", KEY, "fp2", handler)
    assert refused.value.code == "idempotency_key_reused"


async def test_a_request_in_flight_is_409_for_the_twin(world):
    gate = asyncio.Event()

    async def slow():
        await gate.wait()
        return StoredResponse(201, b"{}"), True

    first = asyncio.create_task(world.idempotent.run("s", KEY, "fp", slow))
    await asyncio.sleep(0)
    with pytest.raises(ClassifiedFailure) as refused:
        await world.idempotent.run("s", KEY, "fp", slow)
    assert refused.value.code == "idempotency_request_in_progress"
    gate.set()
    assert (await first).status_code == 201


async def test_transient_results_are_not_stored(world):
    outcomes = [(StoredResponse(503, b"busy"), False), (StoredResponse(201, b"ok"), True)]

    async def handler():
        return outcomes.pop(0)

    assert (await world.idempotent.run("s", KEY, "fp", handler)).status_code == 503
    assert (await world.idempotent.run("s", KEY, "fp", handler)).status_code == 201


async def test_a_crashed_handler_releases_the_key(world):
    async def boom():
        raise RuntimeError("crash")

    with pytest.raises(RuntimeError):
        await world.idempotent.run("s", KEY, "fp", boom)

    async def ok():
        return StoredResponse(200, b"ok"), True

    assert (await world.idempotent.run("s", KEY, "fp", ok)).body == b"ok"


@pytest.mark.parametrize("key,code", [(None, "idempotency_key_missing"),
                                      ("", "idempotency_key_missing"),
                                      ("short", "idempotency_key_invalid"),
                                      ("has spaces in it!!!!", "idempotency_key_invalid"),
                                      ("x" * 256, "idempotency_key_invalid")])
def test_keys_must_be_16_to_255_safe_characters(key, code):
    with pytest.raises(InvalidInput) as refused:
        IdempotentRequests.check_key(key)
    assert refused.value.code == code
