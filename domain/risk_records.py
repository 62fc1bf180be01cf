"""What the risk rules keep about the subjects they judge: a counter per (rule,
subject, window), the flag a review or block leaves on a subject, and the course
progress the refund rule reads.

Kept apart from the rules themselves (domain/risk.py) because these are the rows the
guard (application/risk.py) locks and writes inside the transaction of the action it
judges. Counts live in fixed windows (the clock hour, the UTC day: `window_start`), one
counter row per (rule, subject, window) with a stable id (`risk_key`), so the database
can hold a limit under concurrency.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from domain.errors import DomainError
from domain.risk import RiskOutcome

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class FlagStatus(str, Enum):
    ACTIVE = "active"
    LIFTED = "lifted"


def window_start(at: datetime, window_s: int) -> datetime:
    """The fixed window `at` falls in: windows start at whole multiples of `window_s`
    since the Unix epoch (an hour window is the clock hour, a day window the UTC day)."""
    seconds = int((at - _EPOCH).total_seconds())
    return _EPOCH + timedelta(seconds=seconds - seconds % window_s)


def risk_key(prefix: str, *parts: str) -> str:
    """A short, stable id for a (rule, subject, window) row."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"{prefix}_{digest}"


@dataclass
class RiskCounter:
    """How many times `subject` counted for `rule_id` in the window starting at
    `window_start` (a marker row, count 1, says a student was counted for an address)."""

    id: str
    rule_id: str
    subject: str
    window_start: datetime
    count: int = 0
    version: int = 0
    events: list[Any] = field(default_factory=list, repr=False)

    @classmethod
    def for_window(cls, rule_id: str, subject: str, start: datetime) -> RiskCounter:
        return cls(risk_key("rc", rule_id, subject, start.isoformat()), rule_id, subject, start)


@dataclass
class RiskFlag:
    """A rule's review or block on one subject (a student, an address, a payment)."""

    id: str
    rule_id: str
    outcome: RiskOutcome
    subject_kind: str  # student | address | payment
    subject: str
    student_id: str | None
    payment_id: str | None
    student_message: str
    operator_message: str
    created_at: datetime
    until: datetime | None
    status: FlagStatus = FlagStatus.ACTIVE
    lifted_at: datetime | None = None
    lifted_by: str | None = None
    lift_reason: str | None = None
    version: int = 0
    events: list[Any] = field(default_factory=list, repr=False)

    @staticmethod
    def key(rule_id: str, subject: str, start: datetime) -> str:
        return risk_key("rf", rule_id, subject, start.isoformat())

    def in_force(self, at: datetime) -> bool:
        """Still refusing: an active block whose window has not ended."""
        return (self.outcome is RiskOutcome.BLOCK and self.status is FlagStatus.ACTIVE
                and (self.until is None or self.until > at))

    def lift(self, *, by: str, reason: str, at: datetime) -> None:
        if self.outcome is not RiskOutcome.BLOCK:
            raise DomainError("only a block can be lifted", code="illegal_transition")
        if self.status is not FlagStatus.ACTIVE:
            raise DomainError("this block was already lifted", code="illegal_transition")
        if not reason.strip() or len(reason) > 500:
            raise DomainError("a reason of 1-500 characters is required",
                              code="reason_required")
        self.status, self.lifted_at, self.lifted_by = FlagStatus.LIFTED, at, by
        self.lift_reason = reason.strip()


@dataclass
class CourseProgress:
    """How much of an enrollment's course the platform says the student has done."""

    id: str  # the enrollment id
    student_id: str
    percent: int
    reported_at: datetime
    version: int = 0
    events: list[Any] = field(default_factory=list, repr=False)

    def report(self, percent: int, at: datetime) -> None:
        if not 0 <= percent <= 100:
            raise DomainError("percent_complete must be 0-100", code="invalid_request")
        self.percent, self.reported_at = percent, at
