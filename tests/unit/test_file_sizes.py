"""Small files (issue 17): no product file over 200 lines, and the median file under 60.

Product files are every .py file under domain/, application/, adapters/ and
entrypoints/ (migrations and package __init__ files included: they are product code
too). A file that grows past 200 lines is split by what its parts do, not trimmed."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("domain", "application", "adapters", "entrypoints")


def line_counts() -> dict[str, int]:
    return {path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8")
                                                   .splitlines())
            for layer in LAYERS for path in sorted((ROOT / layer).rglob("*.py"))}


def test_no_product_file_is_over_200_lines() -> None:
    counts = line_counts()
    assert len(counts) > 100  # the walk found the product
    assert {path: n for path, n in counts.items() if n > 200} == {}


def test_the_median_product_file_is_under_60_lines() -> None:
    assert statistics.median(line_counts().values()) < 60
