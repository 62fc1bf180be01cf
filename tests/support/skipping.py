"""Skips are for a developer's machine, never for CI.

`skip_or_fail` skips with the reason locally, and fails where the missing thing is
required: in CI (`CI=true`, set by .ci/run), or where one of the given SKILLPAY_REQUIRE_*
variables is 1. Besides, tests/conftest.py turns any skip that still happens under
CI=true into a failure, except the few in ALLOWED_IN_CI, each with why it cannot run in
CI at all.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def skip_or_fail(reason: str, *required_by: str) -> NoReturn:
    """Skip here; fail in CI or when any of `required_by` (env variables) is 1."""
    required = [name for name in required_by if os.environ.get(name) == "1"]
    if in_ci() or required:
        why = " and ".join(["CI=true"] if in_ci() else [f"{n}=1" for n in required])
        pytest.fail(f"required here ({why}) but {reason}", pytrace=False)
    pytest.skip(reason)


# node id -> why this skip is legitimate even in CI. Keep it short: every entry is a test
# that CI never runs.
ALLOWED_IN_CI: dict[str, str] = {
    "tests/reliability/test_load_balancer.py::test_compose_file_passes_docker_compose_config":
        "needs the Docker Compose v2 CLI plugin (`docker compose`): the CI image is Debian "
        "bookworm, whose archive only has Compose v1 (`docker-compose` 1.29), and .ci/run "
        "installs from that archive only. tests/unit/test_deploy_files.py checks "
        "deploy/compose.yaml in every run instead.",
}


def skip_is_allowed_in_ci(nodeid: str) -> bool:
    return nodeid in ALLOWED_IN_CI
