"""Which stack a scenario runs on, and what a scenario remembers between its steps.

`SKILLPAY_BDD_STACK=memory|http|both` (default both) parametrises the autouse `stack`
fixture, so every scenario runs once per stack and its test id says which
([memory] / [http]). A scenario tagged @memory-only is deselected on the http stack
(docs/qa.md says why each one is). Steps are synchronous: async work runs through the
ONE asyncio.Runner of the scenario (an `async def` step would silently never run)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from domain.money import Money
from tests.bdd.drivers.base import Driver, Refusal

ALL_STACKS = ("memory", "http")
MEMORY_ONLY = "memory-only"


def chosen_stacks() -> tuple[str, ...]:
    wanted = os.environ.get("SKILLPAY_BDD_STACK", "both").strip().lower() or "both"
    if wanted == "both":
        return ALL_STACKS
    if wanted not in ALL_STACKS:
        raise pytest.UsageError(f"SKILLPAY_BDD_STACK must be memory, http or both, not {wanted!r}")
    return (wanted,)


@dataclass
class Ctx:
    """The driver, plus who acted last and what they were told."""

    driver: Driver
    student: str = ""
    refusal: Refusal | None = None
    counts: dict[str, int] = field(default_factory=dict)
    seen: Any = None
    held: list[str] = field(default_factory=list)
    students: int = 0


@pytest.fixture(autouse=True, params=chosen_stacks())
def stack(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def runner() -> Iterator[asyncio.Runner]:
    with asyncio.Runner() as scenario_runner:
        yield scenario_runner


@pytest.fixture
def driver(stack: str, runner: asyncio.Runner) -> Iterator[Driver]:
    """One product per scenario: the http stack is started in the scenario's runner and
    stopped at its end."""
    made: Driver
    if stack == "http":
        from tests.bdd.drivers.http import HttpDriver

        made = HttpDriver(runner)
    else:
        from tests.bdd.drivers.memory import MemoryDriver

        made = MemoryDriver(runner)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def ctx(driver: Driver) -> Ctx:
    return Ctx(driver)


def rand(text: str) -> Money:
    """ "R499.00" -> 49900 cents of ZAR; "499.00 USD" -> 49900 cents of USD. Never floats."""
    amount, _, currency = text.strip().partition(" ")
    whole, _, cents = amount.removeprefix("R").partition(".")
    return Money(int(whole) * 100 + int(cents.ljust(2, "0") or 0), currency or "ZAR")


def deselect_memory_only_on_http(items: list[pytest.Item],
                                 config: pytest.Config) -> None:
    keep, drop = [], []
    for item in items:
        params = getattr(item, "callspec", None)
        on_http = params is not None and params.params.get("stack") == "http"
        (drop if on_http and item.get_closest_marker(MEMORY_ONLY) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
