"""`skillpay worker`: the background loops without the HTTP API (one or more per
deployment; every loop is safe to run in several processes at once)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from entrypoints.background import BackgroundWork
from entrypoints.container import build_container
from entrypoints.settings import Settings
from entrypoints.storage import StorageNotReady, close_storage, prepare_storage


async def _work(settings: Settings) -> None:
    container = build_container(settings)
    await prepare_storage(settings)
    work = BackgroundWork(container)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await work.start()
    logging.getLogger("skillpay.worker").info("worker running")
    await stop.wait()
    await work.stop()
    await close_storage(container)


def run_worker(settings: Settings) -> int:
    from entrypoints.logging_setup import configure_logging

    configure_logging(settings)  # JSON outside development, every line redacted
    try:
        asyncio.run(_work(settings))
    except StorageNotReady as problem:
        print(f"refusing to start: {problem}", file=sys.stderr)
        return 1
    return 0
