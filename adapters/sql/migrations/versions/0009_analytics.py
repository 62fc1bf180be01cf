"""Indexes for payment analytics (issue 19): each query of a date range is answered
from an index alone (bench/analytics.py measures them at 1,000,000 payments).

- `ix_payments_analytics`: status, created_at, then every column the analytics read;
- `ix_enrollments_analytics`: enrollments by creation time and course;
- `ix_enrollments_course`: an enrollment's course without reading the row (the join);
- `ix_audit_entries_transition`: when a payment reached `succeeded` (time to pay).

Revision ID: 0009_analytics
Revises: 0008_risk_rules
Create Date: 2026-12-06 09:00:00.000000
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0009_analytics'
down_revision: str | None = '0008_risk_rules'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index('ix_payments_analytics', [
            'status', 'created_at', 'enrollment_id', 'id', 'currency', 'captured_minor',
            'refunded_minor', 'failure_code'], unique=False)
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.create_index('ix_enrollments_analytics', ['created_at', 'course_id'],
                              unique=False)
        batch_op.create_index('ix_enrollments_course', ['id', 'course_id'], unique=False)
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_transition',
                              ['entity_id', 'to_status', 'entity', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_transition')
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_index('ix_enrollments_course')
        batch_op.drop_index('ix_enrollments_analytics')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_analytics')
