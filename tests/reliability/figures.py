"""Figures of a reliability run, collected by the tests themselves.

Each test records what it did (cases, kill points, flows, faults, violations); at the
end of the session the conftest writes them to artifacts/reliability-figures.json and,
when SKILLPAY_WRITE_RELIABILITY_DOC=1 (`make reliability`), renders docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]
FIGURES: dict[str, dict[str, Any]] = {}


def record(name: str, **figures: Any) -> None:
    FIGURES.setdefault(name, {}).update(figures)


def write() -> None:
    if not FIGURES:
        return
    run = {"finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
           "ci": os.environ.get("CI") == "true", "python": platform.python_version(),
           "figures": FIGURES}
    folder = ROOT / "artifacts"
    folder.mkdir(exist_ok=True)
    (folder / "reliability-figures.json").write_text(json.dumps(run, indent=2, default=str))
    if os.environ.get("SKILLPAY_WRITE_RELIABILITY_DOC") == "1":
        (ROOT / "docs" / "reliability.md").write_text(render(run))


def render(run: dict[str, Any]) -> str:
    lines = ["# Reliability: figures of the last full run", "",
             "Written by the reliability suite itself (`make reliability`); the invariants",
             "are listed in `tests/reliability/invariants.py` and the state machine in",
             "`tests/reliability/machine.py`.", "",
             f"Run finished {run['finished_at']} (Python {run['python']}, "
             f"{'CI' if run['ci'] else 'developer machine'}).", ""]
    for name, figures in sorted(run["figures"].items()):
        lines += [f"## {name}", "", "| figure | value |", "|---|---|"]
        lines += [f"| {key} | {value} |" for key, value in figures.items()]
        lines.append("")
    return "\n".join(lines)
