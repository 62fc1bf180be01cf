"""The composition root (entrypoints/container*.py) is the only place that chooses an
adapter: application/ imports nothing from adapters/ or entrypoints/, and the crash
probe of the reliability tests reaches the money paths only as the `Probe` the
container passes to their constructors."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("domain", "application", "adapters", "entrypoints")
CRASH = "adapters.system.crash"


def imported(source: str) -> Iterator[str]:
    """Every module `source` imports, at any depth (`from a import b` yields a and a.b)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _modules(*packages: str) -> Iterator[tuple[str, list[str]]]:
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield (path.relative_to(ROOT).as_posix(),
                   list(imported(path.read_text(encoding="utf-8"))))


def _under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_walker_sees_imports_in_functions_too() -> None:
    assert list(imported("def f():\n    from adapters.system import crash\n")) == [
        "adapters.system", CRASH]


def test_application_imports_no_adapter_and_no_entrypoint() -> None:
    offenders = {path: bad for path, names in _modules("application")
                 if (bad := [n for n in names if _under(n, "adapters", "entrypoints")])}
    assert offenders == {}


def test_only_the_composition_root_imports_the_crash_probe() -> None:
    importers = sorted(path for path, names in _modules(*PRODUCT)
                       if any(_under(n, CRASH) for n in names))
    assert importers == ["entrypoints/container_infrastructure.py"]  # where `probe` is


def test_logs_and_the_inbox_mask_with_one_redactor_that_knows_the_secrets() -> None:
    from entrypoints.container import build_container
    from entrypoints.logging_setup import process_redactor
    from entrypoints.settings import Settings

    settings = Settings.from_env({"SKILLPAY_ENV": "test",
                                  "SKILLPAY_JWT_SECRET": "jwt-secret-of-the-wiring-test-01"})
    container = build_container(settings)
    redactor = container.redactor()
    assert redactor is process_redactor()  # the log record factory's: one per process
    assert "jwt-secret-of-the-wiring-test-01" in redactor.secrets()
    assert container.handle_callback()._redactor is redactor
