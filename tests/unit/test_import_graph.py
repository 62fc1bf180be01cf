"""The product's modules import each other in one direction: no circles, and the layers
point inwards (entrypoints -> adapters -> application -> domain).

The graph is read from the source with `ast`, every import counted: those at the top,
those under `if TYPE_CHECKING:` and those inside functions (a circle worked around by
importing late is still a circle). `from package import name` is an edge to
`package.name` when that is one of our modules, otherwise to `package`.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("domain", "application", "adapters", "entrypoints")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    return {_module_name(p): p for layer in LAYERS for p in sorted((ROOT / layer).rglob("*.py"))}


def imports_of(module: str, source: str, *, is_package: bool = False
               ) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(module imported from, names taken from it) for every import statement in
    `source`, wherever it stands; `import a.b` is ("a.b", ())."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from ((alias.name, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative to the package this module is in
                package = module.split(".")[:len(module.split(".")) - (not is_package)]
                package = package[:len(package) - (node.level - 1)]
                base = ".".join([*package, *([node.module] if node.module else [])])
            yield base, tuple(alias.name for alias in node.names)


def _graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(edges between our modules, every module name each module imports from)."""
    sources = _sources()
    edges: dict[str, set[str]] = {m: set() for m in sources}
    imported: dict[str, set[str]] = {m: set() for m in sources}
    for module, path in sources.items():
        text = path.read_text(encoding="utf-8")
        for base, names in imports_of(module, text, is_package=path.name == "__init__.py"):
            imported[module].add(base)
            targets = [f"{base}.{n}" if f"{base}.{n}" in sources else base for n in names] \
                or [base]
            edges[module].update(t for t in targets if t in sources and t != module)
    return edges, imported


def knots(edges: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm):
    each module in one can reach every other, so each holds at least one circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return sorted(found, key=min)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One circle per knot, as a path that starts and ends at the same module."""
    return [_one_circle(edges, knot) for knot in knots(edges)]


def _one_circle(edges: dict[str, set[str]], component: set[str]) -> list[str]:
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:  # breadth first: the shortest way back to the start
        node = queue.pop(0)
        for nxt in sorted(edges[node] & component):
            if nxt == start:
                return [*paths[node], start]
            if nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                queue.append(nxt)
    raise AssertionError(f"no circle through {start}")  # pragma: no cover


def _layer(name: str) -> str:
    return name.split(".", 1)[0]


def test_no_module_imports_itself_through_others():
    edges = _graph()[0]
    found = [(_one_circle(edges, knot), knot) for knot in knots(edges)]
    assert not found, "import circles:\n" + "\n".join(
        " -> ".join(circle) + "".join(f"\n    (also in this knot: {', '.join(sorted(others))})"
                                      for others in [knot - set(circle)] if others)
        for circle, knot in found)


def test_application_imports_neither_adapters_nor_entrypoints():
    _, imported = _graph()
    wrong = sorted(f"{module} imports {name}" for module, names in imported.items()
                   if _layer(module) == "application" for name in names
                   if _layer(name) in ("adapters", "entrypoints"))
    assert not wrong, "\n".join(wrong)


def test_domain_imports_only_domain_and_the_standard_library():
    _, imported = _graph()
    allowed = {"domain", "__future__", *sys.stdlib_module_names}
    wrong = sorted(f"{module} imports {name}" for module, names in imported.items()
                   if _layer(module) == "domain" for name in names
                   if _layer(name) not in allowed)
    assert not wrong, "\n".join(wrong)


def test_imports_under_type_checking_inside_functions_and_relative_ones_count():
    """The checks above are only as good as the graph they read."""
    source = "\n".join([
        "from typing import TYPE_CHECKING",
        "if TYPE_CHECKING:",
        "    from entrypoints.settings import Settings",
        "def f():",
        "    import adapters.sql.engine",
        "    from . import sibling",
        "    from ..http import app",
    ])
    found = dict(imports_of("entrypoints.cli.main", source))
    assert found == {"typing": ("TYPE_CHECKING",), "entrypoints.settings": ("Settings",),
                     "adapters.sql.engine": (), "entrypoints.cli": ("sibling",),
                     "entrypoints.http": ("app",)}
    assert dict(imports_of("entrypoints.cli", "from . import main", is_package=True)) == {
        "entrypoints.cli": ("main",)}


def test_a_circle_is_found_and_printed_as_a_path():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"f"}, "f": set()}
    assert cycles(edges) == [["a", "b", "c", "a"]]
