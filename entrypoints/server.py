"""Run the app under uvicorn after the production safety check."""

from __future__ import annotations

import logging
import sys

from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.safety import platform_webhook_problems, production_problems
from entrypoints.settings import Settings
from entrypoints.storage import StorageNotReady, prepare_storage

log = logging.getLogger("skillpay")


def build_checked_app(settings: Settings):  # type: ignore[no-untyped-def]
    problems = production_problems(settings) + platform_webhook_problems(settings)
    if problems:
        for problem in problems:
            print(f"refusing to start: {problem}", file=sys.stderr)
        raise SystemExit(1)
    for warning in settings.warnings:
        log.warning(warning)
    return create_app(build_container(settings))


def serve(settings: Settings, *, host: str, port: int) -> int:
    import asyncio

    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = build_checked_app(settings)
    try:
        asyncio.run(prepare_storage(settings))
    except StorageNotReady as problem:
        print(f"refusing to start: {problem}", file=sys.stderr)
        return 1
    # No uvicorn access log: it would print query strings, and EventSource callers put
    # their token there. Request logging is ours, with redaction.
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)
    return 0
