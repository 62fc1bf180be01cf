"""A Core statement as PostgreSQL text with positional `$n` parameters, for the few hot
statements sent to asyncpg directly (adapters/sql/callback_intake.py).

Compiled once from the table definitions, so the text always matches the schema. The
statement's named bind parameters become `$1..$n` in the order of `names`, which is the
order the caller passes the values in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql


def postgres_text(statement: Any, names: Sequence[str]) -> str:
    """`statement` compiled for PostgreSQL, each `:name` parameter as `$position`."""
    compiled = statement.compile(dialect=postgresql.dialect())
    text: str = compiled.string
    order = {name: n for n, name in enumerate(names, start=1)}
    for name in sorted(compiled.binds, key=len, reverse=True):  # longest first: no prefixes
        text = text.replace(f"%({name})s", f"${order[name]}")
    if "%(" in text:
        raise ValueError(f"a parameter of the statement is not in {list(names)}")
    return text
