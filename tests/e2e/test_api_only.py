"""`skillpay serve --api-only`: an API instance beside dedicated workers answers requests
and runs none of the background loops (relay, inbox sweep, checker); without the flag
`serve` runs them in-process, as it always did."""

from __future__ import annotations

import asyncio

import pytest
from litestar.testing import TestClient

from entrypoints.cli import build_parser
from entrypoints.server import build_checked_app
from entrypoints.settings import Settings

pytestmark = pytest.mark.e2e
LOOPS = {"callback-retry", "pending-checker", "refund-recovery", "idempotency-reaper"}


async def _task_names() -> set[str]:
    return {task.get_name() for task in asyncio.all_tasks()}


def _running_loops(background: bool) -> set[str]:
    settings = Settings.from_env({"SKILLPAY_ENV": "test", "SKILLPAY_DATABASE_URL": "memory://"})
    with TestClient(build_checked_app(settings, background=background)) as client:
        assert client.get("/health/live").status_code == 200
        return LOOPS & client.blocking_portal.call(_task_names)


def test_serve_runs_the_background_loops_and_api_only_runs_none():
    assert _running_loops(background=True) == LOOPS
    assert _running_loops(background=False) == set()


def test_the_command_line_takes_api_only():
    assert build_parser().parse_args(["serve", "--api-only"]).api_only is True
    assert build_parser().parse_args(["serve"]).api_only is False
