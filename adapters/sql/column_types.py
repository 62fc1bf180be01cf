"""Column types shared by every table.

SQLite has no timezone-aware timestamp: without this decorator it hands back naive
datetimes and a UTC instant read back would no longer compare equal to the one written.
Every timestamp is therefore normalised to UTC on the way in and tagged UTC on the way
out, on both engines, so ordering and equality behave the same everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Column, DateTime, Index, Integer, text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

# Deterministic constraint names, so Alembic can drop and alter what it created.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused: every instant is UTC-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


# A 64-bit surrogate key that SQLite still treats as its auto-incrementing rowid.
SeqId = BigInteger().with_variant(Integer(), "sqlite")


def status_check(enum: type[Enum], name: str) -> CheckConstraint:
    values = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"status IN ({values})", name=name)


def timestamp_column(nullable: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(UTCDateTime(), nullable=nullable)


def money_column() -> Column:  # type: ignore[type-arg]
    return Column(BigInteger, nullable=False)


def partial_unique_index(name: str, columns: tuple[Any, ...], where: str) -> Index:
    """A unique index over the rows that match `where`, on SQLite and PostgreSQL alike:
    the database, not a check-then-insert, keeps the invariant under concurrency."""
    return Index(name, *columns, unique=True, sqlite_where=text(where),
                 postgresql_where=text(where))
