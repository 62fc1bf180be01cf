"""The reliability suite's measured figures, kept for docs/reliability.md.

Each test records its own section of artifacts/reliability-figures.json (merged, so the
tests of one run fill one file) and prints it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FIGURES = Path(__file__).resolve().parents[2] / "artifacts" / "reliability-figures.json"


def record(section: str, figures: dict[str, Any]) -> None:
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    try:
        everything = json.loads(FIGURES.read_text())
    except (OSError, ValueError):
        everything = {}
    everything[section] = {**figures, "recorded_at": datetime.now(UTC).isoformat()}
    FIGURES.write_text(json.dumps(everything, indent=2, sort_keys=True) + "\n")
    print(f"\nreliability figures [{section}]:\n{json.dumps(figures, indent=2, sort_keys=True)}")
