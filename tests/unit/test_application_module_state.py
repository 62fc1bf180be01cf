"""application/ holds use cases, ports and the rules they need, and no module state:
whatever changes while the process runs (secrets to mask, counters, caches) lives in an
object the composition root makes and injects.

Every module of application/ is imported and every name it binds at module level, and
every attribute its classes bind in their bodies, must be immutable: numbers, strings,
None, enums, classes, functions, type aliases, compiled patterns, loggers, frozen
dataclasses, and tuples, frozensets or MappingProxyTypes of those, the containers under
UPPER_CASE constant names only. No function may rebind a module global (`global`)."""

from __future__ import annotations

import ast
import dataclasses
import enum
import importlib
import logging
import re
import sys
import types
import typing
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
APPLICATION = ROOT / "application"
CONSTANT = re.compile(r"_?[A-Z][A-Z0-9_]*|__[a-z]+__")  # __all__ too, as a tuple
SCALARS = (int, float, complex, str, bytes, bool, type(None), Decimal, date, datetime, time,
           timedelta, tzinfo, range, re.Pattern, logging.Logger, enum.Enum)
CONTAINERS = (tuple, frozenset, types.MappingProxyType)
CODE = (type, types.FunctionType, types.BuiltinFunctionType, types.ModuleType,
        property, staticmethod, classmethod, typing.TypeVar,
        types.MemberDescriptorType)  # a slots dataclass's fields


def _typing_construct(value: object) -> bool:
    """`Callable[[UnitOfWork], RiskStore]`, `list[str]` and such: aliases, not data."""
    return (isinstance(value, types.GenericAlias | types.UnionType)
            or type(value).__module__ in {"typing", "typing_extensions"})


def _immutable(value: object) -> bool:
    if isinstance(value, SCALARS + CODE) or _typing_construct(value):
        return True
    if isinstance(value, tuple | frozenset):
        return all(_immutable(item) for item in value)
    if isinstance(value, types.MappingProxyType):
        return all(_immutable(k) and _immutable(v) for k, v in value.items())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        frozen = type(value).__dataclass_params__.frozen  # type: ignore[attr-defined]
        return frozen and all(_immutable(getattr(value, f.name))
                              for f in dataclasses.fields(value))
    return False


def _acceptable(name: str, value: object) -> bool:
    if isinstance(value, CONTAINERS) and not CONSTANT.fullmatch(name):
        return False  # a collection at module level is a constant, and says so
    return _immutable(value)


def _assigned(body: list[ast.stmt]) -> Iterator[str]:
    """Names bound by assignments in a module or class body (also inside if/try)."""
    for node in body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and (
                not isinstance(node, ast.AnnAssign) or node.value is not None):
            targets = [node.target]
        elif isinstance(node, ast.If | ast.Try):
            yield from _assigned([*node.body, *node.orelse,
                                  *getattr(node, "finalbody", []),
                                  *(s for h in getattr(node, "handlers", []) for s in h.body)])
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name):
                    yield leaf.id


def module_state(module: types.ModuleType, source: str) -> list[str]:
    """`module.name` (or `module.Class.name`) of every mutable binding, and of every
    `global` statement, in a module whose text is `source`."""
    tree = ast.parse(source)
    found = [f"{module.__name__}: global {', '.join(node.names)}"
             for node in ast.walk(tree) if isinstance(node, ast.Global)]
    for name in _assigned(tree.body):
        if not _acceptable(name, getattr(module, name)):
            found.append(f"{module.__name__}.{name}")
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and isinstance(getattr(module, node.name), type):
            cls = getattr(module, node.name)
            for name in _assigned(node.body):
                if name in vars(cls) and not _acceptable(name.upper(), vars(cls)[name]):
                    found.append(f"{module.__name__}.{node.name}.{name}")
    return found


def _module_from(source: str) -> list[str]:
    module = types.ModuleType("sample")
    sys.modules["sample"] = module  # dataclasses look their module up
    try:
        exec(compile(source, "sample", "exec"), module.__dict__)
        return module_state(module, source)
    finally:
        del sys.modules["sample"]


def test_the_check_finds_module_state_in_every_form() -> None:
    assert _module_from("_secrets: set[str] = set()") == ["sample._secrets"]
    assert _module_from("CACHE = {}") == ["sample.CACHE"]
    assert _module_from("try:\n    SEEN = []\nexcept ImportError:\n    pass") == [
        "sample.SEEN"]
    assert _module_from("routes = ('a', 'b')") == ["sample.routes"]
    assert _module_from("__all__ = ['a']\na = 1") == ["sample.__all__"]
    assert _module_from("NESTED = (1, [2])") == ["sample.NESTED"]
    assert _module_from("class C:\n    registry: dict[str, int] = {}") == [
        "sample.C.registry"]
    assert _module_from("import dataclasses\n@dataclasses.dataclass\nclass D:\n    x: int = 0"
                        "\nDEFAULT = D()") == ["sample.DEFAULT"]
    assert _module_from("n = 0\ndef bump():\n    global n\n    n += 1") == [
        "sample: global n"]


def test_the_check_accepts_constants_and_code() -> None:
    assert _module_from(
        "import logging, re, types\nfrom datetime import timedelta\n"
        "from collections.abc import Callable\n"
        "log = logging.getLogger('x')\nKEYS = frozenset({'a'})\nPOINTS = ('a', 'b')\n"
        "TABLE = types.MappingProxyType({'a': 1})\nPATTERN = re.compile('x')\n"
        "LEASE = timedelta(seconds=5)\nAlias = Callable[[int], str]\n__all__ = ('log',)\n"
        "class C:\n    tags = ('x',)\n    limit = 3\n") == []


def _application_modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(APPLICATION.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def test_no_application_module_holds_module_state() -> None:
    modules = list(_application_modules())
    assert len(modules) > 40 and ("application.redaction", APPLICATION / "redaction.py") \
        in modules
    offenders = [found for name, path in modules
                 for found in module_state(importlib.import_module(name),
                                           path.read_text(encoding="utf-8"))]
    assert offenders == []
