"""Reconciliation reports: one row per run, its bounded findings as JSON.

Revision ID: 0004_reconciliation
Revises: 0003_gateway_calls
Create Date: 2026-11-29 02:03:19.891139
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import adapters.sql.column_types

revision: str = '0004_reconciliation'
down_revision: str | None = '0003_gateway_calls'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reconciliation_reports',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', adapters.sql.column_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=False),
    sa.Column('period_to', sa.Date(), nullable=False),
    sa.Column('applied', sa.Boolean(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reconciliation_reports'))
    )
    with op.batch_alter_table('reconciliation_reports', schema=None) as batch_op:
        batch_op.create_index('ix_reconciliation_reports_created', ['created_at', 'id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reconciliation_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reconciliation_reports_created')

    op.drop_table('reconciliation_reports')
