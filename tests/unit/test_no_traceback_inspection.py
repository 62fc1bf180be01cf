"""No product code decides anything by looking at a stack: whose failure an exception is
shows in its type (the adapters raise StorageUnavailable or a gateway ClassifiedFailure),
not in the module names of the frames it passed through."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("domain", "application", "adapters", "entrypoints")
# Frames and the walks over them: what telling failures apart by traceback needs.
INSPECTION = re.compile(r"\b(tb_frame|tb_next|tb_lineno|__traceback__|walk_tb|walk_stack|"
                        r"extract_tb|extract_stack|StackSummary|f_globals|f_back|_getframe|"
                        r"currentframe)\b|inspect\.(stack|trace|getframeinfo)\b")


def test_no_product_code_inspects_tracebacks():
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
             for layer in PRODUCT for path in sorted((ROOT / layer).rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if INSPECTION.search(line)]
    assert not found, "\n".join(found)


def test_the_pattern_finds_what_it_is_for():
    for line in ("tb = exc.__traceback__", "while tb: tb = tb.tb_next",
                 "tb.tb_frame.f_globals['__name__']", "traceback.walk_tb(tb)",
                 "inspect.stack()"):
        assert INSPECTION.search(line), line
    assert not INSPECTION.search("traceback.format_exception(exc)")
