"""Shared set-up of the BDD suite (features/*.feature): every step talks to a
stack-neutral driver (tests/bdd/drivers/), and every scenario runs on each chosen stack
(tests/bdd/stack.py: SKILLPAY_BDD_STACK=memory|http|both, default both).

pytest-bdd steps are synchronous; async work runs through one asyncio.Runner per
scenario (an `async def` step would silently never run). The step modules are imported
here so that every feature file sees every step."""

from __future__ import annotations

import pytest

from tests.bdd.stack import ctx, deselect_memory_only_on_http, driver, runner, stack
from tests.bdd.steps_analytics import *  # noqa: F403  (step definitions)
from tests.bdd.steps_checkout import *  # noqa: F403
from tests.bdd.steps_confirmation import *  # noqa: F403
from tests.bdd.steps_invalid_data import *  # noqa: F403
from tests.bdd.steps_money_back import *  # noqa: F403
from tests.bdd.steps_monitoring import *  # noqa: F403
from tests.bdd.steps_one_purchase import *  # noqa: F403
from tests.bdd.steps_review import *  # noqa: F403
from tests.bdd.steps_risk import *  # noqa: F403
from tests.bdd.steps_security import *  # noqa: F403

__all__ = ["ctx", "driver", "runner", "stack"]

# Feature tags QA selects with `-m`; each becomes a pytest marker.
AREA_TAGS = {
    "payments": "successful payments", "failures": "failed payments",
    "network": "trouble reaching the payment provider", "invalid-data": "refused details",
    "security": "privacy, forged and replayed messages, safe start-up",
    "refunds": "money back", "reconciliation": "our books against the provider's",
    "rollback": "an admin takes access back", "monitoring": "operators' statistics",
    "confirmation": "unlocking only when the money is really there",
    "one-purchase": "a course bought once, Buy clicked again",
    "review": "an operator resolves a payment held for review",
    "analytics": "which course loses buyers at payment",
    "risk": "abuse slowed down by the risk rules, and an operator lifting a pause",
    "memory-only": "runs on the memory stack only (docs/qa.md says why)",
}


def pytest_configure(config: pytest.Config) -> None:
    for tag, meaning in AREA_TAGS.items():
        config.addinivalue_line("markers", f"{tag}: BDD scenarios about {meaning}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    deselect_memory_only_on_http(items, config)
