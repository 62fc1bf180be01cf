"""The simulator is the test double that checks the iK Pay adapter: it must not share
code with it (a bug shared by both would pass every test) nor lean on our domain or
application layers. Walk every module of adapters/simulator/ and refuse such imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
SIMULATOR = Path(__file__).resolve().parents[2] / "adapters" / "simulator"
FORBIDDEN = ("adapters.ikhokha", "domain", "application")


def _is_forbidden(module: str) -> bool:
    return any(module == f or module.startswith(f + ".") for f in FORBIDDEN)


def forbidden_imports(source: str) -> list[str]:
    """Dotted names of every forbidden import in `source` (import, from-import,
    `from adapters import ikhokha`, and a module name as a string constant, as
    importlib would take it); relative imports stay inside the simulator."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if _is_forbidden(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            found += [n for n in names if _is_forbidden(n)][:1]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [node.value] if _is_forbidden(node.value) else []
    return found


def test_the_walker_sees_every_import_form() -> None:
    assert forbidden_imports("import domain.money") == ["domain.money"]
    assert forbidden_imports("from adapters.ikhokha.signing import sign")
    assert forbidden_imports("from adapters import ikhokha") == ["adapters.ikhokha"]
    assert forbidden_imports("from application.ports import X")
    assert forbidden_imports("def f():\n    import adapters.ikhokha.wire\n")
    assert forbidden_imports("importlib.import_module('adapters.ikhokha.signing')")
    assert forbidden_imports("import domainish\nfrom adapters import simulator") == []


def test_no_simulator_module_imports_the_adapter_domain_or_application() -> None:
    modules = sorted(SIMULATOR.glob("*.py"))
    assert len(modules) > 10 and SIMULATOR.joinpath("signing.py") in modules
    offenders = {m.name: bad for m in modules
                 if (bad := forbidden_imports(m.read_text(encoding="utf-8")))}
    assert offenders == {}
