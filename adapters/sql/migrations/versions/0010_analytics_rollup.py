"""Daily rollups for payment analytics (issue 19), filled from the rows already there.

- `analytics_checkout_days`: per (UTC day a checkout started, course, status, failure
  code or '', currency): checkouts, captured, refunded checkouts, refunded;
- `analytics_time_to_pay_days`: per (day, course, whole seconds from the start to the
  first `succeeded` of the audit trail): paid checkouts;
- `analytics_enrollment_days`: per (UTC day an enrollment was created, course).

From here on the SQL unit of work keeps them in the transaction of every write
(adapters/sql/analytics_rollup.py); the analytics read whole days from them.

Revision ID: 0010_analytics_rollup
Revises: 0009_analytics
Create Date: 2026-12-13 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010_analytics_rollup'
down_revision: str | None = '0009_analytics'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NO_ROWID = {'sqlite_with_rowid': False}
_PAID = "('partially_refunded', 'refunded', 'succeeded')"


def _backfill(dialect: str) -> list[str]:
    if dialect == 'postgresql':
        def day(column: str) -> str:
            return f"CAST(({column}) AT TIME ZONE 'UTC' AS DATE)"
        seconds = ("CAST(FLOOR(EXTRACT(EPOCH FROM a.paid_at - p.created_at) + 0.5) "
                   "AS BIGINT)")
    else:
        def day(column: str) -> str:
            return f"date({column})"
        seconds = ("CAST((julianday(a.paid_at) - julianday(p.created_at)) * 86400.0 + 0.5 "
                   "AS INTEGER)")
    return [
        f"""INSERT INTO analytics_checkout_days (day, course_id, status, failure_code,
                currency, checkouts, captured_minor, refunded, refunded_minor)
            SELECT {day('p.created_at')}, e.course_id, p.status,
                   COALESCE(p.failure_code, ''), p.currency, COUNT(*), SUM(p.captured_minor),
                   SUM(CASE WHEN p.refunded_minor > 0 THEN 1 ELSE 0 END),
                   SUM(p.refunded_minor)
            FROM payments p JOIN enrollments e ON e.id = p.enrollment_id
            GROUP BY 1, 2, 3, 4, 5""",
        f"""INSERT INTO analytics_time_to_pay_days (day, course_id, seconds, paid)
            SELECT {day('p.created_at')}, e.course_id, {seconds}, COUNT(*)
            FROM payments p JOIN enrollments e ON e.id = p.enrollment_id
            JOIN (SELECT entity_id, MIN(at) AS paid_at FROM audit_entries
                  WHERE to_status = 'succeeded' AND entity = 'payment'
                  GROUP BY entity_id) a ON a.entity_id = p.id
            WHERE p.status IN {_PAID}
            GROUP BY 1, 2, 3""",
        f"""INSERT INTO analytics_enrollment_days (day, course_id, enrollments)
            SELECT {day('created_at')}, course_id, COUNT(*) FROM enrollments GROUP BY 1, 2""",
    ]


def upgrade() -> None:
    op.create_table(
        'analytics_checkout_days',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('course_id', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('failure_code', sa.String(length=64), nullable=False),
        sa.Column('currency', sa.CHAR(length=3), nullable=False),
        sa.Column('checkouts', sa.Integer(), nullable=False),
        sa.Column('captured_minor', sa.BigInteger(), nullable=False),
        sa.Column('refunded', sa.Integer(), nullable=False),
        sa.Column('refunded_minor', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'course_id', 'status', 'failure_code', 'currency',
                                name=op.f('pk_analytics_checkout_days')),
        **_NO_ROWID)
    op.create_table(
        'analytics_time_to_pay_days',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('course_id', sa.String(length=64), nullable=False),
        sa.Column('seconds', sa.Integer(), nullable=False),
        sa.Column('paid', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'course_id', 'seconds',
                                name=op.f('pk_analytics_time_to_pay_days')),
        **_NO_ROWID)
    op.create_table(
        'analytics_enrollment_days',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('course_id', sa.String(length=64), nullable=False),
        sa.Column('enrollments', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'course_id', name=op.f('pk_analytics_enrollment_days')),
        **_NO_ROWID)
    for statement in _backfill(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    op.drop_table('analytics_enrollment_days')
    op.drop_table('analytics_time_to_pay_days')
    op.drop_table('analytics_checkout_days')
