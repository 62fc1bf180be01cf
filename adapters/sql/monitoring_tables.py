"""The durable record of gateway calls, for latency percentiles and error counts that
survive restarts. Written best effort, one short transaction per call."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from adapters.sql.column_types import SeqId, UTCDateTime


class GatewayCallRow(SQLModel, table=True):
    __tablename__ = "gateway_calls"

    seq: int | None = Field(default=None, sa_column=Column(SeqId, primary_key=True,
                                                           autoincrement=True))
    endpoint: str = Field(max_length=32)
    outcome: str = Field(max_length=64)  # ok | a catalogue code
    duration_ms: int = Field(default=0)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


Index("ix_gateway_calls_at", GatewayCallRow.__table__.c.at)  # type: ignore[attr-defined]
