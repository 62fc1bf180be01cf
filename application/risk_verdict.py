"""What the risk guard answers about one action: every rule's decision, and the refusal
when a rule blocks it.

A leaf of its own so the use cases that act on a verdict (StartPayment, RequestRefund)
and the guard's rule modules share these two types without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.classification import ClassifiedFailure
from domain.risk import RiskOutcome
from domain.risk_records import RiskFlag


class RiskBlocked(ClassifiedFailure):
    """403 `risk_blocked`: `extra["user_message"]` is the rule's words for the student."""

    def __init__(self, flag: RiskFlag) -> None:
        until = f" until {flag.until:%Y-%m-%d %H:%M} UTC" if flag.until else ""
        super().__init__("risk_blocked", f"paused by the risk rule {flag.rule_id}{until}")
        self.extra = {"user_message": flag.student_message}
        self.flag_id = flag.id
        self.rule_id = flag.rule_id


@dataclass
class Verdict:
    """What the rules said about one action: every decision, and the refusal if any."""

    decisions: list[tuple[str, RiskOutcome]] = field(default_factory=list)
    refusal: RiskBlocked | None = None
