"""Readiness against real storage: migrated or not, Redis reachable or not."""

from __future__ import annotations

import socket

import pytest
from litestar.testing import AsyncTestClient

from adapters.sql import migrate
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.readiness import Readiness
from entrypoints.settings import Settings
from tests.support.skipping import skip_or_fail

pytestmark = pytest.mark.integration


def _settings(url: str, **extra: str) -> Settings:
    return Settings.from_env({"SKILLPAY_ENV": "test", "SKILLPAY_DATABASE_URL": url, **extra})


def _redis_up() -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", 6379)) == 0


async def test_an_unmigrated_database_is_not_ready_and_a_migrated_one_is(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/ready.db"
    checks = await Readiness(_settings(url), gateway=None)()
    assert [(c.name, c.ok) for c in checks] == [("database", False)]
    assert "expected" in checks[0].detail
    await migrate.upgrade(url)
    checks = await Readiness(_settings(url), gateway=None)()
    assert [(c.name, c.ok) for c in checks] == [("database", True)]


async def test_unreachable_redis_makes_the_instance_unready_with_a_problem(tmp_path):
    settings = _settings(f"sqlite+aiosqlite:///{tmp_path}/r.db", REDIS_URL="redis://127.0.0.1:1/0")
    async with AsyncTestClient(create_app(build_container(settings),
                                          run_background=False)) as client:
        response = await client.get("/health/ready")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 503 and body["detail"] == "failing: redis"
    assert {c["name"]: c["ok"] for c in body["checks"]} == {"database": True, "redis": False}


async def test_reachable_redis_and_database_are_ready(tmp_path):
    if not _redis_up():  # fails instead in CI (CI=true) or with SKILLPAY_REQUIRE_REDIS=1
        skip_or_fail("Redis is not reachable on 127.0.0.1:6379", "SKILLPAY_REQUIRE_REDIS")
    settings = _settings(f"sqlite+aiosqlite:///{tmp_path}/ok.db",
                         REDIS_URL="redis://127.0.0.1:6379/0")
    async with AsyncTestClient(create_app(build_container(settings),
                                          run_background=False)) as client:
        response = await client.get("/health/ready")
    assert response.status_code == 200 and response.json()["status"] == "ok"
