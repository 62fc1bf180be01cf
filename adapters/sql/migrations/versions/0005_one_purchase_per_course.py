"""One purchase per course, one open checkout per enrollment, captured money, fast re-checks.

- `uq_enrollments_one_holding`: at most one enrollment per (student, course) that is
  awaiting payment or active (a partial unique index, on both engines);
- `uq_payments_one_open`: at most one created-or-pending payment per enrollment;
- `payments.captured_minor`: what the gateway took (the price for paid payments; the
  gateway's amount for money taken after we closed a payment), and a CHECK that refunds
  stay within it;
- `webhook_inbox.status` may be `gave_up`: a callback whose retries are spent leaves the
  retry queue (its payment goes on the checker's fast lane) instead of blocking it;
- `payments.open_slot` and `uq_payments_open_slot`: each open checkout holds one of the
  student's numbered slots, so the cap on open checkouts holds under concurrency
  (payments opened before this revision hold none);
- `payments.recheck_at` / `recheck_step`: the checker's fast lane for a gateway that lags
  behind its own callback; open payments that earlier versions held for that lag
  (`callback_unconfirmed`) are released onto it.

A database that already holds duplicates (written before these rules) cannot get the
unique indexes: the upgrade stops with one line per rule saying how many rows break it,
and changes nothing, so an operator resolves them (revert or refund) and runs it again.

Revision ID: 0005_one_purchase_per_course
Revises: 0004_reconciliation
Create Date: 2026-12-03 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.sql.column_types

revision: str = '0005_one_purchase_per_course'
down_revision: str | None = '0004_reconciliation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOLDING = "status IN ('pending_payment', 'active')"
OPEN = "status IN ('created', 'pending')"
SLOTTED = "open_slot IS NOT NULL"
INBOX_BEFORE = "status IN ('received', 'processed', 'orphan', 'failed')"
INBOX_NOW = "status IN ('received', 'processed', 'orphan', 'failed', 'gave_up')"
_DUPLICATES = {
    "enrollments awaiting payment or active for the same student and course":
        f"SELECT COUNT(*) FROM (SELECT student_id, course_id FROM enrollments WHERE {HOLDING} "
        "GROUP BY student_id, course_id HAVING COUNT(*) > 1) AS d",
    "enrollments with more than one open payment":
        f"SELECT COUNT(*) FROM (SELECT enrollment_id FROM payments WHERE {OPEN} "
        "GROUP BY enrollment_id HAVING COUNT(*) > 1) AS d",
}


def _refuse_duplicates() -> None:
    bind = op.get_bind()
    counts = {what: bind.execute(sa.text(sql)).scalar() for what, sql in _DUPLICATES.items()}
    problems = [f"{count} {what}" for what, count in counts.items() if count]
    if problems:
        raise RuntimeError("cannot add the one-purchase-per-course rules; resolve first: "
                           + "; ".join(problems))


def upgrade() -> None:
    _refuse_duplicates()
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('captured_minor', sa.BigInteger(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column(
            'recheck_at', adapters.sql.column_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('recheck_step', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('open_slot', sa.Integer(), nullable=True))
    op.execute("UPDATE payments SET captured_minor = amount_minor "
               "WHERE status IN ('succeeded', 'partially_refunded', 'refunded')")
    # Earlier versions held an open payment for review when the gateway merely lagged
    # behind its callback, and nothing released it. Gateway lag is not a disagreement:
    # release them, so the checker asks the gateway again and unlocks the paid ones.
    op.execute("UPDATE payments SET review_reason = NULL, recheck_at = updated_at "
               f"WHERE review_reason = 'callback_unconfirmed' AND {OPEN}")
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_check_constraint(
            'ck_payments_refund_within_capture',
            'captured_minor >= 0 AND refunded_minor + reserved_minor <= captured_minor')
        batch_op.create_index('ix_payments_recheck_at', ['recheck_at'], unique=False)
        batch_op.create_index('uq_payments_one_open', ['enrollment_id'], unique=True,
                              sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
        batch_op.create_index('uq_payments_open_slot', ['student_id', 'open_slot'],
                              unique=True, sqlite_where=sa.text(SLOTTED),
                              postgresql_where=sa.text(SLOTTED))
    with op.batch_alter_table('webhook_inbox', schema=None) as batch_op:
        batch_op.drop_constraint('ck_webhook_inbox_status', type_='check')
        batch_op.create_check_constraint('ck_webhook_inbox_status', INBOX_NOW)
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.create_index('uq_enrollments_one_holding', ['student_id', 'course_id'],
                              unique=True, sqlite_where=sa.text(HOLDING),
                              postgresql_where=sa.text(HOLDING))


def downgrade() -> None:
    op.execute("UPDATE webhook_inbox SET status = 'failed' WHERE status = 'gave_up'")
    with op.batch_alter_table('webhook_inbox', schema=None) as batch_op:
        batch_op.drop_constraint('ck_webhook_inbox_status', type_='check')
        batch_op.create_check_constraint('ck_webhook_inbox_status', INBOX_BEFORE)
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_index('uq_enrollments_one_holding')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('uq_payments_open_slot')
        batch_op.drop_index('uq_payments_one_open')
        batch_op.drop_index('ix_payments_recheck_at')
        batch_op.drop_constraint('ck_payments_refund_within_capture', type_='check')
        batch_op.drop_column('open_slot')
        batch_op.drop_column('recheck_step')
        batch_op.drop_column('recheck_at')
        batch_op.drop_column('captured_minor')
