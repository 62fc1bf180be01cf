"""The dispatcher confirms acknowledged callbacks off the request path with bounded work:
a few at a time, a bounded queue, and when that is full the caller is told to leave the
callback to the workers. Idle means nothing queued and nothing in hand."""

from __future__ import annotations

import asyncio

import pytest

from adapters.metrics.recording import RecordingMetrics
from application.use_cases.handle_callback import CallbackReceipt
from entrypoints.callback_dispatch import CallbackDispatcher
from tests.support.waiting import wait_until

pytestmark = pytest.mark.unit


class BlockingHandle:
    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.started: list[str] = []
        self.finished: list[str] = []

    async def process(self, inbox_id: str, paylink_id: str, claimed: object) -> str:
        self.started.append(inbox_id)
        await self.release.wait()
        self.finished.append(inbox_id)
        return "processed"


def receipt(n: int) -> CallbackReceipt:
    return CallbackReceipt(f"cbk_{n}", False, "received", f"pl_{n}")


async def test_a_full_queue_refuses_and_everything_queued_is_processed():
    handle, metrics = BlockingHandle(), RecordingMetrics()
    dispatcher = CallbackDispatcher(handle, metrics, workers=1, capacity=2)  # type: ignore[arg-type]
    assert dispatcher.idle() and dispatcher.has_room()
    assert dispatcher.submit(receipt(1), 0.0)
    await wait_until(lambda: handle.started == ["cbk_1"], 5, "the first to start")
    assert dispatcher.submit(receipt(2), 0.0) and dispatcher.submit(receipt(3), 0.0)
    assert not dispatcher.has_room() and not dispatcher.submit(receipt(4), 0.0)
    assert not dispatcher.idle()
    handle.release.set()
    await wait_until(dispatcher.idle, 5, "the queue to drain")
    assert handle.finished == ["cbk_1", "cbk_2", "cbk_3"]
    assert metrics.counts[("callbacks", (("outcome", "processed"),))] == 3
    await dispatcher.stop()


async def test_no_workers_means_acknowledge_only():
    dispatcher = CallbackDispatcher(BlockingHandle(), RecordingMetrics(), workers=0)  # type: ignore[arg-type]
    assert not dispatcher.has_room()
