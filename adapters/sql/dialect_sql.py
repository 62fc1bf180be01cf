"""PostgreSQL text for the hot statement sent to asyncpg directly (the callback
intake's INSERT, adapters/sql/callback_intake.py).

Generated once from the table definition, so the text always matches the schema.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.dialects import postgresql


def unnest_insert(table: Any, conflict: str, returning: str) -> str:
    """`INSERT ... SELECT * FROM unnest($1::type[], ...) ON CONFLICT (conflict) DO
    NOTHING RETURNING returning`: many rows in one statement, one array parameter per
    column in the table's column order. A row whose `conflict` value is taken, even by a
    row before it in the same statement, is skipped and not returned."""
    dialect = postgresql.dialect()
    # Arrays of the unbounded type (VARCHAR, not VARCHAR(64)): an explicit cast to a
    # bounded one would cut an over-long value silently; storing it in the column
    # refuses it instead, as a plain INSERT does.
    arrays = ", ".join(
        f"${n}::{re.sub(r'[(][0-9, ]+[)]', '', column.type.compile(dialect=dialect))}[]"
        for n, column in enumerate(table.columns, start=1))
    names = ", ".join(column.name for column in table.columns)
    return (f"INSERT INTO {table.name} ({names}) SELECT * FROM unnest({arrays}) "
            f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {returning}")
