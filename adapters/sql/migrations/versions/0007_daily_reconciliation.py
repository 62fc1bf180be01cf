"""The daily reconciliation's lease: one row per platform day.

- `daily_reconciliations`: a worker claims a day (`running`, `holder`, `leased_until`)
  before reconciling it, and marks it `done` with the stored report's id. The primary
  key on `day` and the claim's `WHERE leased_until <= now` make the run happen once
  across workers; an expired lease lets another worker take a dead one's day over.
- `ix_daily_reconciliations_done`: the latest day done (metrics, operator page).

Revision ID: 0007_daily_reconciliation
Revises: 0006_inbox_leases
Create Date: 2026-12-05 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import adapters.sql.column_types

revision: str = '0007_daily_reconciliation'
down_revision: str | None = '0006_inbox_leases'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('daily_reconciliations',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('holder', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('leased_until', adapters.sql.column_types.UTCDateTime(timezone=True),
              nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('started_at', adapters.sql.column_types.UTCDateTime(timezone=True),
              nullable=False),
    sa.Column('finished_at', adapters.sql.column_types.UTCDateTime(timezone=True),
              nullable=True),
    sa.Column('report_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.CheckConstraint("status IN ('running', 'done')",
                       name='ck_daily_reconciliations_status'),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_daily_reconciliations'))
    )
    with op.batch_alter_table('daily_reconciliations', schema=None) as batch_op:
        batch_op.create_index('ix_daily_reconciliations_done', ['status', 'day'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('daily_reconciliations', schema=None) as batch_op:
        batch_op.drop_index('ix_daily_reconciliations_done')

    op.drop_table('daily_reconciliations')
