"""The complete schema: importing this registers every table on `metadata`."""

from __future__ import annotations

from sqlmodel import SQLModel

from adapters.sql import (  # noqa: F401  (registers the tables)
    analytics_tables,
    daily_reconciliations,
    delivery_tables,
    monitoring_tables,
    reconciliation_reports,
    record_tables,
    risk_tables,
    tables,
)

metadata = SQLModel.metadata
