"""Risk rules: what we allow a student (or an address) to do before a person looks.

A rule is data an admin reads and changes: a limit, a window and an outcome, with one
reason the student reads and one the operator reads. This module holds the rules and
the defaults they ship with; what they keep about the subjects they judge (counters in
fixed windows, flags, course progress) is in domain/risk_records.py, and judging them
under concurrency is application/risk.py.

A rule's verdict is `allow`, `review` (let it through and put it in front of an
operator) or `block` (refuse it; a block stays until its window ends or an operator
lifts it, which exempts the subject from that rule for the rest of the window).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from domain.errors import DomainError

CHECKOUTS_PER_STUDENT = "checkouts_per_student_hour"
CHECKOUTS_PER_ADDRESS = "checkouts_per_address_hour"
STUDENTS_PER_ADDRESS = "students_per_address_day"
DECLINES_PER_STUDENT = "declines_per_student_day"
REFUND_AFTER_PROGRESS = "refund_after_progress"
RULE_IDS = (CHECKOUTS_PER_STUDENT, CHECKOUTS_PER_ADDRESS, STUDENTS_PER_ADDRESS,
            DECLINES_PER_STUDENT, REFUND_AFTER_PROGRESS)
MAX_MESSAGE = 300
MIN_WINDOW_S, MAX_WINDOW_S = 60, 31 * 24 * 3600


class RiskOutcome(str, Enum):
    ALLOW = "allow"
    REVIEW = "review"
    BLOCK = "block"


class InvalidRiskRule(DomainError):
    code = "invalid_request"


@dataclass
class RiskRule:
    """`limit`: a count (checkouts, students, declines), or for refund_after_progress
    the percent of the course completed; `window_s`: the counting window, or for
    refund_after_progress how soon after the purchase a refund counts as "shortly"."""

    id: str
    limit: int
    window_s: int
    outcome: RiskOutcome
    student_message: str
    operator_message: str
    enabled: bool = True
    updated_at: datetime | None = None
    updated_by: str | None = None
    version: int = 0
    events: list[Any] = field(default_factory=list, repr=False)

    def change(self, *, limit: int, window_s: int, outcome: RiskOutcome, enabled: bool,
               student_message: str, operator_message: str, at: datetime, by: str) -> None:
        if self.id == REFUND_AFTER_PROGRESS and not 1 <= limit <= 100:
            raise InvalidRiskRule("limit is a percent of the course: 1-100")
        if not 1 <= limit <= 1_000_000:
            raise InvalidRiskRule("limit must be 1-1000000")
        if not MIN_WINDOW_S <= window_s <= MAX_WINDOW_S:
            raise InvalidRiskRule(f"window_s must be {MIN_WINDOW_S}-{MAX_WINDOW_S} seconds")
        for name, text in (("student_message", student_message),
                           ("operator_message", operator_message)):
            if not text.strip() or len(text) > MAX_MESSAGE:
                raise InvalidRiskRule(f"{name} must be 1-{MAX_MESSAGE} characters")
        self.limit, self.window_s, self.outcome, self.enabled = limit, window_s, outcome, enabled
        self.student_message = student_message.strip()
        self.operator_message = operator_message.strip()
        self.updated_at, self.updated_by = at, by

    def describe(self) -> str:
        state = "" if self.enabled else " (disabled)"
        return (f"{self.id}: limit {self.limit}, window {self.window_s} s, "
                f"{self.outcome.value}{state}")


def default_rules() -> list[RiskRule]:
    """The defaults the migration ships (0008_risk_rules.py inserts the same rows)."""
    return [RiskRule(**row) for row in DEFAULT_RULE_ROWS]


_SLOW_DOWN = ("You have started many checkouts in a short time, so we have paused new "
              "checkouts for a while. Please wait an hour and try again, or contact support "
              "if you need help paying.")
DEFAULT_RULE_ROWS: list[dict[str, Any]] = [
    {"id": CHECKOUTS_PER_STUDENT, "limit": 20, "window_s": 3600,
     "outcome": RiskOutcome.BLOCK, "student_message": _SLOW_DOWN,
     "operator_message": "More checkouts by one student in an hour than the limit: a bot, "
                         "a stolen account or card testing."},
    {"id": CHECKOUTS_PER_ADDRESS, "limit": 60, "window_s": 3600,
     "outcome": RiskOutcome.BLOCK, "student_message": _SLOW_DOWN,
     "operator_message": "More checkouts from one network address in an hour than the "
                         "limit: card testing across accounts."},
    {"id": STUDENTS_PER_ADDRESS, "limit": 10, "window_s": 86400,
     "outcome": RiskOutcome.REVIEW,
     "student_message": "Your checkout is going ahead; our team may check it.",
     "operator_message": "Many different students checked out from one network address "
                         "today: shared computer, or one person with many accounts."},
    {"id": DECLINES_PER_STUDENT, "limit": 5, "window_s": 86400,
     "outcome": RiskOutcome.BLOCK,
     "student_message": "Several payments were declined today, so we have paused new "
                        "checkouts on your account until tomorrow. Please check your card "
                        "with your bank, or contact support to unlock it sooner.",
     "operator_message": "Repeated declines for one student in a day: card testing or a "
                         "card that will not work."},
    {"id": REFUND_AFTER_PROGRESS, "limit": 80, "window_s": 14 * 86400,
     "outcome": RiskOutcome.REVIEW,
     "student_message": "Refunds for a course you have mostly completed are checked by our "
                        "team; support will contact you.",
     "operator_message": "Refund asked for soon after the purchase of a course the student "
                         "has mostly completed."},
]
