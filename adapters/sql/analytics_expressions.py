"""The two SQL expressions of the analytics that differ between SQLite and PostgreSQL.

The UTC day of a timestamp and the whole seconds between two timestamps are compiled
per dialect here, so the reads (analytics_from_rows.py) and the rollups
(analytics_rollup.py, analytics_rebuild.py) stay plain SQLAlchemy Core that runs on
both engines; nothing else in the analytics is engine-specific.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class utc_date(FunctionElement[date]):
    """The UTC calendar day of a timestamp, as a DATE (the rollups' key and the revenue
    days)."""

    type = Date()
    inherit_cache = True


@compiles(utc_date, "sqlite")
def _utc_date_sqlite(element: utc_date, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(next(iter(element.clauses)), **kw)})"


@compiles(utc_date, "postgresql")
def _utc_date_postgresql(element: utc_date, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(next(iter(element.clauses)), **kw)
    return f"CAST(({column}) AT TIME ZONE 'UTC' AS DATE)"


class whole_seconds_between(FunctionElement[int]):
    """(later - earlier) in seconds, rounded half up to a whole number."""

    type = Integer()
    inherit_cache = True


@compiles(whole_seconds_between, "sqlite")
def _seconds_sqlite(element: whole_seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST((julianday({later}) - julianday({earlier})) * 86400.0 + 0.5 AS INTEGER)"


@compiles(whole_seconds_between, "postgresql")
def _seconds_postgresql(element: whole_seconds_between, compiler: SQLCompiler,
                        **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({later}) - ({earlier})) + 0.5) AS BIGINT)"
