"""A reconciliation's result, kept bounded, and the port that stores the reports.

Counts are exact; example ids per category, and the lists of repaired and flagged
payments, are capped so a report stays small whatever the size of the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

CATEGORIES = ("matched", "status_mismatch", "amount_mismatch", "reference_mismatch",
              "missing_at_gateway", "unknown_to_us")
MAX_EXAMPLES = 20
MAX_CHANGED = 1000


@dataclass(kw_only=True)
class ReconciliationReport:
    id: str
    created_at: datetime
    actor: str
    period_from: date
    period_to: date
    applied: bool
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    examples: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in CATEGORIES})
    repaired: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    repaired_count: int = 0
    flagged_count: int = 0

    def count(self, category: str, example: str) -> None:
        self.counts[category] += 1
        if len(self.examples[category]) < MAX_EXAMPLES:
            self.examples[category].append(example)

    def note_repaired(self, payment_id: str) -> None:
        self.repaired_count += 1
        if len(self.repaired) < MAX_CHANGED:
            self.repaired.append(payment_id)

    def note_flagged(self, payment_id: str) -> None:
        self.flagged_count += 1
        if len(self.flagged) < MAX_CHANGED:
            self.flagged.append(payment_id)

    def summary(self) -> str:
        """One line per fact, for the CLI and logs."""
        lines = [f"reconciliation {self.id}: {self.period_from} .. {self.period_to}"
                 f" ({'applied' if self.applied else 'report only'})"]
        lines += [f"  {c}: {self.counts[c]}" for c in CATEGORIES]
        lines.append(f"  repaired: {self.repaired_count}")
        lines.append(f"  flagged for review: {self.flagged_count}")
        return "\n".join(lines)
