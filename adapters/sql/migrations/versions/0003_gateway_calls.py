"""gateway_calls: one row per call to the gateway, for stats that survive restarts.

Revision ID: 0003_gateway_calls
Revises: 0002_platform_webhooks
Create Date: 2026-11-29 02:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import adapters.sql.column_types

revision: str = '0003_gateway_calls'
down_revision: str | None = '0002_platform_webhooks'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('gateway_calls',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
              nullable=False),
    sa.Column('endpoint', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('at', adapters.sql.column_types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_gateway_calls'))
    )
    with op.batch_alter_table('gateway_calls', schema=None) as batch_op:
        batch_op.create_index('ix_gateway_calls_at', ['at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('gateway_calls', schema=None) as batch_op:
        batch_op.drop_index('ix_gateway_calls_at')
    op.drop_table('gateway_calls')
