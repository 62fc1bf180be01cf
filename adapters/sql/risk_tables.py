"""The risk rules' tables: rules (data an admin changes), counters, flags, progress.

Counters, flags and progress rows are entities of the unit of work (identity_map.KINDS):
read in its connection, written on its commit with the version check, so they change
together with the checkout, payment or refund they judged.

- `risk_rules`: one row per rule (defaults inserted by migration 0008).
- `risk_counters`: one row per (rule, subject, window); the id is a hash of the three.
  A marker row (count 1) says a student was already counted for an address that day.
- `risk_flags`: reviews and blocks; one per (rule, subject, window) by its id.
- `course_progress`: the platform's latest report of how much of a course is done.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Column, Index, Integer
from sqlmodel import Field, SQLModel

from adapters.sql.column_types import timestamp_column as _ts
from domain.risk import RiskOutcome, RiskRule
from domain.risk_records import CourseProgress, FlagStatus, RiskCounter, RiskFlag

_OUTCOMES = "outcome IN ('allow', 'review', 'block')"


class RiskRuleRow(SQLModel, table=True):
    __tablename__ = "risk_rules"
    __table_args__ = (CheckConstraint(_OUTCOMES, name="ck_risk_rules_outcome"),
                      CheckConstraint("limit_count > 0 AND window_s > 0",
                                      name="ck_risk_rules_positive"))

    id: str = Field(primary_key=True, max_length=64)
    limit_count: int = Field(sa_column=Column(Integer, nullable=False))
    window_s: int = Field(sa_column=Column(Integer, nullable=False))
    outcome: str = Field(max_length=16)
    student_message: str = Field(max_length=300)
    operator_message: str = Field(max_length=300)
    enabled: bool = Field(sa_column=Column(Boolean, nullable=False))
    updated_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    updated_by: str | None = Field(default=None, max_length=128)
    version: int = Field(default=0)

    @classmethod
    def values_of(cls, r: RiskRule) -> dict[str, Any]:
        return dict(id=r.id, limit_count=r.limit, window_s=r.window_s, outcome=r.outcome.value,
                    student_message=r.student_message, operator_message=r.operator_message,
                    enabled=r.enabled, updated_at=r.updated_at, updated_by=r.updated_by,
                    version=r.version)

    def to_domain(self) -> RiskRule:
        return RiskRule(id=self.id, limit=self.limit_count, window_s=self.window_s,
                        outcome=RiskOutcome(self.outcome), student_message=self.student_message,
                        operator_message=self.operator_message, enabled=self.enabled,
                        updated_at=self.updated_at, updated_by=self.updated_by,
                        version=self.version)


class RiskCounterRow(SQLModel, table=True):
    __tablename__ = "risk_counters"
    __table_args__ = (CheckConstraint("count >= 0", name="ck_risk_counters_count"),)

    id: str = Field(primary_key=True, max_length=64)
    rule_id: str = Field(max_length=64)
    subject: str = Field(max_length=200)
    window_start: datetime = Field(sa_column=_ts())
    count: int = Field(sa_column=Column(Integer, nullable=False))
    version: int = Field(default=0)

    @classmethod
    def values_of(cls, c: RiskCounter) -> dict[str, Any]:
        return dict(id=c.id, rule_id=c.rule_id, subject=c.subject, window_start=c.window_start,
                    count=c.count, version=c.version)

    def to_domain(self) -> RiskCounter:
        return RiskCounter(id=self.id, rule_id=self.rule_id, subject=self.subject,
                           window_start=self.window_start, count=self.count,
                           version=self.version)


class RiskFlagRow(SQLModel, table=True):
    __tablename__ = "risk_flags"
    __table_args__ = (CheckConstraint(_OUTCOMES, name="ck_risk_flags_outcome"),
                      CheckConstraint("status IN ('active', 'lifted')",
                                      name="ck_risk_flags_status"))

    id: str = Field(primary_key=True, max_length=64)
    rule_id: str = Field(max_length=64)
    outcome: str = Field(max_length=16)
    subject_kind: str = Field(max_length=16)
    subject: str = Field(max_length=200)
    student_id: str | None = Field(default=None, max_length=64)
    payment_id: str | None = Field(default=None, max_length=64)
    student_message: str = Field(max_length=300)
    operator_message: str = Field(max_length=300)
    created_at: datetime = Field(sa_column=_ts())
    until: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    status: str = Field(max_length=16)
    lifted_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    lifted_by: str | None = Field(default=None, max_length=128)
    lift_reason: str | None = Field(default=None, max_length=500)
    version: int = Field(default=0)

    @classmethod
    def values_of(cls, f: RiskFlag) -> dict[str, Any]:
        return dict(id=f.id, rule_id=f.rule_id, outcome=f.outcome.value,
                    subject_kind=f.subject_kind, subject=f.subject, student_id=f.student_id,
                    payment_id=f.payment_id, student_message=f.student_message,
                    operator_message=f.operator_message, created_at=f.created_at,
                    until=f.until, status=f.status.value, lifted_at=f.lifted_at,
                    lifted_by=f.lifted_by, lift_reason=f.lift_reason, version=f.version)

    def to_domain(self) -> RiskFlag:
        return RiskFlag(id=self.id, rule_id=self.rule_id, outcome=RiskOutcome(self.outcome),
                        subject_kind=self.subject_kind, subject=self.subject,
                        student_id=self.student_id, payment_id=self.payment_id,
                        student_message=self.student_message,
                        operator_message=self.operator_message, created_at=self.created_at,
                        until=self.until, status=FlagStatus(self.status),
                        lifted_at=self.lifted_at, lifted_by=self.lifted_by,
                        lift_reason=self.lift_reason, version=self.version)


class CourseProgressRow(SQLModel, table=True):
    __tablename__ = "course_progress"
    __table_args__ = (CheckConstraint("percent BETWEEN 0 AND 100",
                                      name="ck_course_progress_percent"),)

    id: str = Field(primary_key=True, max_length=64)  # the enrollment id
    student_id: str = Field(max_length=64)
    percent: int = Field(sa_column=Column(Integer, nullable=False))
    reported_at: datetime = Field(sa_column=_ts())
    version: int = Field(default=0)

    @classmethod
    def values_of(cls, p: CourseProgress) -> dict[str, Any]:
        return dict(id=p.id, student_id=p.student_id, percent=p.percent,
                    reported_at=p.reported_at, version=p.version)

    def to_domain(self) -> CourseProgress:
        return CourseProgress(id=self.id, student_id=self.student_id, percent=self.percent,
                              reported_at=self.reported_at, version=self.version)


_c = RiskCounterRow.__table__.c  # type: ignore[attr-defined]
# Declines are one row per payment: counted per (rule, student, window).
Index("ix_risk_counters_subject", _c.rule_id, _c.subject, _c.window_start)
_f = RiskFlagRow.__table__.c  # type: ignore[attr-defined]
# The checkout's question (flags on this student or address), and the operator's list.
Index("ix_risk_flags_subject", _f.subject, _f.until)
Index("ix_risk_flags_created", _f.created_at.desc(), _f.id.desc())
