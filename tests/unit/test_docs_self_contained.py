"""The repository explains itself: every document it names is in it, and nothing points
at a contract kept elsewhere (a reader of a fresh clone has nothing else)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).parents[2]
NAMED_DOC = re.compile(r"(?<![\w/.-])((?:docs/)?[A-Za-z_]+\.md)\b")
SOURCES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
           *[p for folder in ("domain", "application", "adapters", "entrypoints", "tests")
             for p in sorted((ROOT / folder).rglob("*.py"))]]


def _named(path: Path) -> set[str]:
    return set(NAMED_DOC.findall(path.read_text(encoding="utf-8")))


def test_every_named_document_exists_in_the_repository():
    missing = {}
    for source in SOURCES:
        for name in _named(source):
            here = [ROOT / name, ROOT / "docs" / name, source.parent / name]
            if not any(p.is_file() for p in here):
                missing.setdefault(name, source.relative_to(ROOT).as_posix())
    assert missing == {}, f"documents named but not in the repository: {missing}"


def test_the_contract_documents_are_here():
    for name in ("api.md", "architecture.md", "ikhokha.md", "verification.md"):
        assert (ROOT / "docs" / name).is_file(), name
