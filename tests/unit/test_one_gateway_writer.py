"""A gateway's answer changes a payment in one place only (issue 17): the domain's
`apply_gateway_report` and `reverify_held` are called from ApplyGatewayReport and
nowhere else in the application, adapters or entrypoints. A second caller would be a
second set of rules for the same money (unlocking, risk counting, the transaction)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
THE_WRITER = Path("application/use_cases/apply_gateway_report.py")
GATEWAY_ANSWER_METHODS = frozenset({"apply_gateway_report", "reverify_held"})


def callers_of(methods: frozenset[str]) -> dict[Path, list[int]]:
    found: dict[Path, list[int]] = {}
    for layer in ("application", "adapters", "entrypoints"):
        for path in sorted((ROOT / layer).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            lines = [node.lineno for node in ast.walk(tree)
                     if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                     and node.func.attr in methods]
            if lines:
                found[path.relative_to(ROOT)] = lines
    return found


def test_only_apply_gateway_report_applies_a_gateway_answer() -> None:
    callers = callers_of(GATEWAY_ANSWER_METHODS)
    assert set(callers) == {THE_WRITER}, callers


def test_the_scan_sees_calls() -> None:
    """The scan itself works: it finds the writer's own calls, both of them."""
    lines = callers_of(GATEWAY_ANSWER_METHODS)[THE_WRITER]
    assert len(lines) == 2
