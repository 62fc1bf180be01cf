"""Run the app under uvicorn after the production safety check."""

from __future__ import annotations

import logging
import sys
from dataclasses import replace

from entrypoints.logging_setup import configure_logging
from entrypoints.safety import startup_problems, startup_warnings
from entrypoints.safety_settings import local_hosts
from entrypoints.settings import Settings

log = logging.getLogger("skillpay")


def build_checked_app(settings: Settings, *,  # type: ignore[no-untyped-def]
                      background: bool = True):
    """The app, once the production safety check passed. `background=False`: the API
    only (the outbox relay, the inbox sweep and the checker run in `skillpay worker`)."""
    problems = startup_problems(settings)
    if problems:
        for problem in problems:
            print(f"refusing to start: {problem}", file=sys.stderr)
        raise SystemExit(1)
    for warning in startup_warnings(settings):
        log.warning(warning)
    from entrypoints.container import build_container  # heavy: only once the check passed
    from entrypoints.http.app import create_app

    return create_app(build_container(settings), run_background=background)


def fastest_stack() -> dict[str, str]:
    """uvloop and httptools when importable (they are dependencies; a platform without
    wheels for them still serves, on asyncio's loop and h11)."""
    stack = {"loop": "asyncio", "http": "h11"}
    try:
        import uvloop  # noqa: F401

        stack["loop"] = "uvloop"
    except ImportError:  # pragma: no cover - uvloop has no Windows build
        pass
    try:
        import httptools  # noqa: F401

        stack["http"] = "httptools"
    except ImportError:  # pragma: no cover
        pass
    return stack


def serve(settings: Settings, *, host: str, port: int, api_only: bool = False) -> int:
    import asyncio
    import gc

    configure_logging(settings)
    if settings.env == "development" and "*" not in settings.allowed_hosts:
        settings = replace(settings, allowed_hosts=tuple(dict.fromkeys(
            (*settings.allowed_hosts, *local_hosts(port), f"{host}:{port}"))))
    app = build_checked_app(settings, background=not api_only)

    import uvicorn

    from entrypoints.storage import StorageNotReady, prepare_storage

    try:
        asyncio.run(prepare_storage(settings))
    except StorageNotReady as problem:
        print(f"refusing to start: {problem}", file=sys.stderr)
        return 1
    # No uvicorn access log: it would print query strings, and EventSource callers put
    # their token there. Request logging is ours, with redaction. proxy_headers off: only
    # SKILLPAY_TRUSTED_PROXIES decide whose X-Forwarded-* to believe.
    # uvloop + httptools: the event loop and HTTP parser in C (docs/benchmarks.md).
    # Everything built so far lives as long as the process: out of the collector's sight,
    # a full collection no longer walks the app's start-up objects each time. That walk
    # was the acknowledgement's p99 (docs/benchmarks.md: 68 -> 14 ms under load).
    gc.freeze()
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False,
                proxy_headers=False, log_config=None, **fastest_stack())
    return 0
