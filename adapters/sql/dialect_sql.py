"""Many-row INSERTs for the callback intake's group commit (callback_intake.py): on
PostgreSQL the text sent to asyncpg directly, on SQLite a statement for SQLAlchemy.

Generated from the table definition, so the text always matches the schema.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from sqlalchemy import bindparam, text
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


@cache
def values_insert(table: Any, rows: int, conflict: str, returning: str) -> Any:
    """`INSERT ... VALUES (:id_0, ...), (:id_1, ...) ON CONFLICT (conflict) DO NOTHING
    RETURNING returning` for `rows` rows, parameters named `<column>_<row>` and typed
    by their columns. Text, so SQLAlchemy caches its compiled form (a multi-row
    `insert().values([...])` has no cache key); one per batch size, built once."""
    names = [column.name for column in table.columns]
    values = ", ".join("(" + ", ".join(f":{name}_{n}" for name in names) + ")"
                       for n in range(rows))
    statement = text(f"INSERT INTO {table.name} ({', '.join(names)}) VALUES {values} "
                     f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {returning}")
    return statement.bindparams(*(bindparam(f"{column.name}_{n}", type_=column.type)
                                  for n in range(rows) for column in table.columns))
