"""outbox claims: a row claimed into a batch is a narrow outbox_claims row, and a recipient's sent
state is its batch's until its outbox row is settled (the batch's row is the only write when LINE
takes it); the batch keeps when it was sent

Revision ID: m24_outbox_claims
Revises: k20e_verified_email
"""
from alembic import op
import sqlalchemy as sa

import core.db_types

revision = "m24_outbox_claims"
down_revision = "k20e_verified_email"
branch_labels = None
depends_on = None

UNSENT = sa.text("status in ('pending', 'sending')")
Instant = core.db_types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outbox_claims",
        sa.Column("outbox_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("batch_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("outbox_id", name=op.f("pk_outbox_claims")),
    )
    with op.batch_alter_table("outbox_batches") as batch_op:
        batch_op.add_column(sa.Column("sent_at", Instant, nullable=True))
    # rows in a batch still unsettled become its claims, their own rows pending
    op.execute("insert into outbox_claims (outbox_id, batch_id) select id, batch_id from outbox "
               "where batch_id is not null and status in ('pending', 'sending')")
    op.execute("update outbox set status = 'pending', batch_id = null "
               "where id in (select outbox_id from outbox_claims)")
    op.drop_index("ix_outbox_batch", table_name="outbox", sqlite_where=UNSENT, postgresql_where=UNSENT)


def downgrade() -> None:
    op.create_index("ix_outbox_batch", "outbox", ["batch_id"], unique=False,
                    sqlite_where=UNSENT, postgresql_where=UNSENT)
    # claimed rows take their batch's state, as the settle would
    for column in ("status", "sent_at", "last_error"):
        op.execute(f"update outbox set {column} = (select b.{column} from outbox_claims c join outbox_batches b "
                   "on b.id = c.batch_id where c.outbox_id = outbox.id) where id in (select outbox_id from outbox_claims)")
    op.execute("update outbox set batch_id = (select batch_id from outbox_claims c where c.outbox_id = outbox.id) "
               "where id in (select outbox_id from outbox_claims)")
    with op.batch_alter_table("outbox_batches") as batch_op:
        batch_op.drop_column("sent_at")
    op.drop_table("outbox_claims")
