"""outbox batches: the retry key, attempts and lease once per LINE call, not on every recipient's row

Revision ID: s_outbox_batches
Revises: i12_partial_indexes
"""
from alembic import op
import sqlalchemy as sa

import core.db_types

revision = "s_outbox_batches"
down_revision = "i12_partial_indexes"
branch_labels = None
depends_on = None

UNSENT = sa.text("status in ('pending', 'sending')")
PENDING = sa.text("status = 'pending'")
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Instant = core.db_types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outbox_batches",
        sa.Column("id", BigId, nullable=False),
        sa.Column("retry_key", sa.String(length=36), nullable=False),
        sa.Column("multicast", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_attempt_at", Instant, nullable=False),
        sa.Column("claimed_at", Instant, nullable=True),
        sa.Column("not_before", Instant, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint("status in ('pending', 'sending', 'sent', 'failed')",
                           name=op.f("ck_outbox_batches_status_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_batches")),
    )
    op.create_index("ix_outbox_batches_due", "outbox_batches", ["status", "not_before"], unique=False,
                    sqlite_where=UNSENT, postgresql_where=UNSENT)
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("batch_id", sa.BigInteger(), nullable=True))
    # batches tried before and still unsettled keep their key; a claim without a key is given back
    op.execute("""
        insert into outbox_batches (retry_key, multicast, status, attempts, first_attempt_at, not_before, last_error)
        select retry_key, count(*) > 1, 'pending', max(attempts), min(coalesce(first_attempt_at, created_at)),
               min(not_before), max(last_error)
        from outbox where retry_key is not null
        group by retry_key
        having sum(case when status in ('pending', 'sending') then 1 else 0 end) > 0""")
    op.execute("""
        update outbox set status = 'pending',
               batch_id = (select b.id from outbox_batches b where b.retry_key = outbox.retry_key)
        where retry_key is not null and status in ('pending', 'sending')""")
    op.execute("update outbox set status = 'pending' where status = 'sending'")
    op.drop_index("ix_outbox_due", table_name="outbox")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_index("ix_outbox_retry_key")
        for column in ("retry_key", "first_attempt_at", "claimed_at", "attempts"):
            batch_op.drop_column(column)
    op.create_index("ix_outbox_due", "outbox", ["not_before", "id"], unique=False,
                    sqlite_where=PENDING, postgresql_where=PENDING)
    op.create_index("ix_outbox_batch", "outbox", ["batch_id"], unique=False,
                    sqlite_where=UNSENT, postgresql_where=UNSENT)


def downgrade() -> None:
    op.drop_index("ix_outbox_batch", table_name="outbox")
    op.drop_index("ix_outbox_due", table_name="outbox")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("retry_key", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("first_attempt_at", Instant, nullable=True))
        batch_op.add_column(sa.Column("claimed_at", Instant, nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    op.execute("""
        update outbox set
            retry_key = (select b.retry_key from outbox_batches b where b.id = outbox.batch_id),
            first_attempt_at = (select b.first_attempt_at from outbox_batches b where b.id = outbox.batch_id),
            attempts = coalesce((select b.attempts from outbox_batches b where b.id = outbox.batch_id), 0),
            status = 'pending'
        where batch_id is not null and status in ('pending', 'sending')""")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.alter_column("attempts", server_default=None)
        batch_op.create_index("ix_outbox_retry_key", ["retry_key"], unique=False)
        batch_op.drop_column("batch_id")
    op.create_index("ix_outbox_due", "outbox", ["status", "not_before"], unique=False,
                    sqlite_where=UNSENT, postgresql_where=UNSENT)
    op.drop_index("ix_outbox_batches_due", table_name="outbox_batches")
    op.drop_table("outbox_batches")
