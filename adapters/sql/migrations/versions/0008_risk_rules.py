"""Risk rules: rules as data, their counters, the flags they raise, course progress.

- `risk_rules`: one row per rule, with the defaults below (domain/risk.py keeps the same
  values for the memory store; a test compares them). Admins change them through
  `PUT /api/v1/admin/risk/rules`.
- `risk_counters`: one row per (rule, subject, window), locked by the action it counts
  (FOR UPDATE) and versioned, so concurrent checkouts cannot slip past a limit.
- `risk_flags`: reviews and blocks the operator sees on /admin/risk, and lifts.
- `course_progress`: the platform's report of how much of a course is done
  (`POST /api/v1/progress`), for the refund-after-progress rule.

Revision ID: 0008_risk_rules
Revises: 0007_daily_reconciliation
Create Date: 2026-12-12 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import adapters.sql.column_types

revision: str = '0008_risk_rules'
down_revision: str | None = '0007_daily_reconciliation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = adapters.sql.column_types.UTCDateTime
_OUTCOMES = "outcome IN ('allow', 'review', 'block')"

DEFAULT_RULES = [
    {'id': 'checkouts_per_student_hour', 'limit_count': 20, 'window_s': 3600,
     'outcome': 'block', 'enabled': True,
     'student_message': 'You have started many checkouts in a short time, so we have paused new checkouts for a while. Please wait an hour and try again, or contact support if you need help paying.',
     'operator_message': 'More checkouts by one student in an hour than the limit: a bot, a stolen account or card testing.'},
    {'id': 'checkouts_per_address_hour', 'limit_count': 60, 'window_s': 3600,
     'outcome': 'block', 'enabled': True,
     'student_message': 'You have started many checkouts in a short time, so we have paused new checkouts for a while. Please wait an hour and try again, or contact support if you need help paying.',
     'operator_message': 'More checkouts from one network address in an hour than the limit: card testing across accounts.'},
    {'id': 'students_per_address_day', 'limit_count': 10, 'window_s': 86400,
     'outcome': 'review', 'enabled': True,
     'student_message': 'Your checkout is going ahead; our team may check it.',
     'operator_message': 'Many different students checked out from one network address today: shared computer, or one person with many accounts.'},
    {'id': 'declines_per_student_day', 'limit_count': 5, 'window_s': 86400,
     'outcome': 'block', 'enabled': True,
     'student_message': 'Several payments were declined today, so we have paused new checkouts on your account until tomorrow. Please check your card with your bank, or contact support to unlock it sooner.',
     'operator_message': 'Repeated declines for one student in a day: card testing or a card that will not work.'},
    {'id': 'refund_after_progress', 'limit_count': 80, 'window_s': 1209600,
     'outcome': 'review', 'enabled': True,
     'student_message': 'Refunds for a course you have mostly completed are checked by our team; support will contact you.',
     'operator_message': 'Refund asked for soon after the purchase of a course the student has mostly completed.'},
]


def upgrade() -> None:
    rules = op.create_table('risk_rules',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('limit_count', sa.Integer(), nullable=False),
    sa.Column('window_s', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('student_message', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('operator_message', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', _TS(timezone=True), nullable=True),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint(_OUTCOMES, name='ck_risk_rules_outcome'),
    sa.CheckConstraint('limit_count > 0 AND window_s > 0', name='ck_risk_rules_positive'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_rules'))
    )
    op.bulk_insert(rules, [{**row, 'version': 0} for row in DEFAULT_RULES])
    op.create_table('risk_counters',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('rule_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('window_start', _TS(timezone=True), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('count >= 0', name='ck_risk_counters_count'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_counters'))
    )
    with op.batch_alter_table('risk_counters', schema=None) as batch_op:
        batch_op.create_index('ix_risk_counters_subject', ['rule_id', 'subject', 'window_start'],
                              unique=False)
    op.create_table('risk_flags',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('rule_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('subject_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('student_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('payment_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('student_message', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('operator_message', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_at', _TS(timezone=True), nullable=False),
    sa.Column('until', _TS(timezone=True), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('lifted_at', _TS(timezone=True), nullable=True),
    sa.Column('lifted_by', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('lift_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint(_OUTCOMES, name='ck_risk_flags_outcome'),
    sa.CheckConstraint("status IN ('active', 'lifted')", name='ck_risk_flags_status'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_flags'))
    )
    with op.batch_alter_table('risk_flags', schema=None) as batch_op:
        batch_op.create_index('ix_risk_flags_subject', ['subject', 'until'], unique=False)
        batch_op.create_index('ix_risk_flags_created', [sa.literal_column('created_at DESC'),
                                                        sa.literal_column('id DESC')],
                              unique=False)
    op.create_table('course_progress',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('student_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('reported_at', _TS(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('percent BETWEEN 0 AND 100', name='ck_course_progress_percent'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_progress'))
    )


def downgrade() -> None:
    op.drop_table('course_progress')
    with op.batch_alter_table('risk_flags', schema=None) as batch_op:
        batch_op.drop_index('ix_risk_flags_created')
        batch_op.drop_index('ix_risk_flags_subject')
    op.drop_table('risk_flags')
    with op.batch_alter_table('risk_counters', schema=None) as batch_op:
        batch_op.drop_index('ix_risk_counters_subject')
    op.drop_table('risk_counters')
    op.drop_table('risk_rules')
