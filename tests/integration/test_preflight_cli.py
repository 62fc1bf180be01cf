"""`skillpay preflight` as a deploy pipeline runs it: a process, its lines, its exit code."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator

import pytest

from tests.support.live_stack import APP_ID, APP_SECRET, LiveStack, live_stack
from tests.support.production_env import VALID_PRODUCTION

pytestmark = pytest.mark.integration


@pytest.fixture
async def stack() -> AsyncIterator[LiveStack]:
    async with live_stack() as running:
        yield running


def clean_env(**env: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("SKILLPAY_", "IKHOKHA_"))}
    return {**kept, "PYTHONPATH": os.getcwd(), **env}


def stack_env(stack: LiveStack) -> dict[str, str]:
    assert stack.simulator is not None
    return {"SKILLPAY_ENV": "test", "SKILLPAY_PUBLIC_URL": stack.base_url,
            "SKILLPAY_DATABASE_URL": stack.container.settings().database_url,
            "SKILLPAY_GATEWAY": "ikhokha", "IKHOKHA_API_URL": stack.simulator.api_url,
            "IKHOKHA_APP_ID": APP_ID, "IKHOKHA_APP_SECRET": APP_SECRET}


async def start(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "entrypoints.cli", "preflight", *args, env=clean_env(**env),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)


async def test_a_test_payment_from_the_shell(stack: LiveStack) -> None:
    process = await start(stack_env(stack), "--test-payment", "--timeout", "60")
    assert process.stdout is not None
    seen: list[str] = []
    while not any("pay it at" in line for line in seen):
        line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        assert line, "".join(seen)  # the process ended before printing the paylink
        seen.append(line)
    await stack.control.settle(seen[-1].strip().rsplit("/", 1)[1], "pay")
    rest, _ = await asyncio.wait_for(process.communicate(), 60)
    output = "".join(seen) + rest.decode()
    assert process.returncode == 0, output
    assert "ok    payment:" in output and output.rstrip().endswith("preflight passed")
    assert APP_SECRET not in output


@pytest.mark.parametrize("env", [
    {"SKILLPAY_GATEWAY": "fake"},
    {**VALID_PRODUCTION, "IKHOKHA_TEST_MODE": "true"},
    {"SKILLPAY_ENV": "nonsense"},
], ids=["fake-gateway", "production-in-test-mode", "unreadable-settings"])
async def test_misconfiguration_exits_2_before_asking_anyone(env: dict[str, str]) -> None:
    process = await start(env)
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2, out.decode()
    assert VALID_PRODUCTION["IKHOKHA_APP_SECRET"] not in out.decode()


async def test_a_usage_error_exits_2(stack: LiveStack) -> None:
    process = await start(stack_env(stack), "--test-payment", "--amount", "0")
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert "misconfigured: --amount must be 1 to" in out.decode()
