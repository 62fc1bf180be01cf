"""Ports live one per module under application/ports/, each stating its contract; the
records they carry sit in their own modules, and the package re-exports everything."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Protocol

import pytest

import application.ports as ports

pytestmark = pytest.mark.unit


def _protocols(module: object) -> list[type]:
    return [value for value in vars(module).values()
            if inspect.isclass(value) and Protocol in getattr(value, "__mro__", ())
            and value is not Protocol and getattr(value, "_is_protocol", False)
            and value.__module__ == getattr(module, "__name__", None)]


def test_one_port_per_module_each_with_its_contract() -> None:
    modules = [importlib.import_module(f"application.ports.{info.name}")
               for info in pkgutil.iter_modules(ports.__path__)]
    found = {m.__name__: [p.__name__ for p in _protocols(m)] for m in modules}
    assert sum(len(names) for names in found.values()) >= 25
    for name, protocols in found.items():
        # A factory of a port lives with it (UnitOfWork and UnitOfWorkFactory).
        assert len([p for p in protocols if not p.endswith("Factory")]) <= 1, name
    for module in modules:
        for protocol in _protocols(module):
            assert "Contract" in (protocol.__doc__ or ""), protocol.__qualname__


def test_the_package_reexports_every_port_and_record() -> None:
    for info in pkgutil.iter_modules(ports.__path__):
        module = importlib.import_module(f"application.ports.{info.name}")
        public = [n for n, v in vars(module).items() if not n.startswith("_")
                  and getattr(v, "__module__", module.__name__) == module.__name__
                  and (inspect.isclass(v) or inspect.isfunction(v))]
        assert set(public) <= set(ports.__all__), (info.name, set(public) - set(ports.__all__))
