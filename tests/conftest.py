"""Shared fixtures. Tests that need PostgreSQL or Redis skip with a reason where the
service is unreachable, unless SKILLPAY_REQUIRE_POSTGRES / SKILLPAY_REQUIRE_REDIS is set
(CI sets both), where the skip becomes a failure."""

from __future__ import annotations

import pytest

from tests.support.world import World


@pytest.fixture
def world() -> World:
    return World()
