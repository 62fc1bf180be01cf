"""The complete schema: importing this registers every table on `metadata`."""

from __future__ import annotations

from sqlmodel import SQLModel

from adapters.sql import monitoring_tables, record_tables, tables  # noqa: F401  (registers)

metadata = SQLModel.metadata
