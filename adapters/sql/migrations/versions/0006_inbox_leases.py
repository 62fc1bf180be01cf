"""Callbacks acknowledged after one commit, and inbox rows leased by any worker.

- `webhook_inbox.next_attempt_at`: when a waiting callback may next be taken. The
  instance that received a callback holds it for a short lease while it processes it;
  a failed attempt pushes it back by the retry backoff; a sweeping worker leases it
  with `FOR UPDATE SKIP LOCKED` by moving it forward. NULL (rows written before this
  revision) means "due once the grace after `received_at` has passed".
- `ix_webhook_inbox_due`: the sweep's query, waiting rows by due time.

Revision ID: 0006_inbox_leases
Revises: 0005_one_purchase_per_course
Create Date: 2026-12-03 14:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.sql.column_types

revision: str = '0006_inbox_leases'
down_revision: str | None = '0005_one_purchase_per_course'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('webhook_inbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at',
                                      adapters.sql.column_types.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_webhook_inbox_due', ['status', 'next_attempt_at'])


def downgrade() -> None:
    with op.batch_alter_table('webhook_inbox', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_inbox_due')
        batch_op.drop_column('next_attempt_at')
