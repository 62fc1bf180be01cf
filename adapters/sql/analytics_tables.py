"""Daily rollups for the payment analytics (issue 19), kept by the SQL unit of work.

Each row sums what one UTC day of checkouts (or enrollments) contributes to the
analytics; adapters/sql/analytics_rollup.py adds the difference every write makes, in
the transaction of that write, so the rollups are never stale; adapters/sql/analytics.py
reads whole days from here and only the partial days at the edges of a range live.

- `analytics_checkout_days`: per (day the checkout started, course, status, failure
  code ('' when none), currency): checkouts, money captured, refunded checkouts and
  money refunded;
- `analytics_time_to_pay_days`: per (day the checkout started, course, whole seconds to
  pay): paid checkouts (a histogram: percentiles stay exact);
- `analytics_enrollment_days`: per (day the enrollment was created, course): enrollments.

Without a rowid on SQLite: the primary key is the table, so a range of days is one
contiguous read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import CHAR, BigInteger, Column, Date, Integer, String
from sqlmodel import Field, SQLModel

_NO_ROWID = {"sqlite_with_rowid": False}


def _key(column_type: Any) -> Column:  # type: ignore[type-arg]
    return Column(column_type, primary_key=True, nullable=False)


def _sum(column_type: Any) -> Column:  # type: ignore[type-arg]
    return Column(column_type, nullable=False)


class CheckoutDayRow(SQLModel, table=True):
    __tablename__ = "analytics_checkout_days"
    __table_args__ = (_NO_ROWID,)

    day: date = Field(sa_column=_key(Date()))
    course_id: str = Field(sa_column=_key(String(64)))
    status: str = Field(sa_column=_key(String(32)))
    failure_code: str = Field(sa_column=_key(String(64)))  # '' when the payment has none
    currency: str = Field(sa_column=_key(CHAR(3)))
    checkouts: int = Field(sa_column=_sum(Integer()))
    captured_minor: int = Field(sa_column=_sum(BigInteger()))
    refunded: int = Field(sa_column=_sum(Integer()))  # checkouts with money refunded
    refunded_minor: int = Field(sa_column=_sum(BigInteger()))


class TimeToPayDayRow(SQLModel, table=True):
    __tablename__ = "analytics_time_to_pay_days"
    __table_args__ = (_NO_ROWID,)

    day: date = Field(sa_column=_key(Date()))
    course_id: str = Field(sa_column=_key(String(64)))
    seconds: int = Field(sa_column=_key(Integer()))
    paid: int = Field(sa_column=_sum(Integer()))


class EnrollmentDayRow(SQLModel, table=True):
    __tablename__ = "analytics_enrollment_days"
    __table_args__ = (_NO_ROWID,)

    day: date = Field(sa_column=_key(Date()))
    course_id: str = Field(sa_column=_key(String(64)))
    enrollments: int = Field(sa_column=_sum(Integer()))
