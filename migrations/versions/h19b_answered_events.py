"""inbox events: the answer stored with the event, and "done" only once it has gone to LINE

Revision ID: h19b_answered_events
Revises: u18_labelled_examples
"""
from alembic import op
import sqlalchemy as sa

import core.db_types

revision = "h19b_answered_events"
down_revision = "u18_labelled_examples"
branch_labels = None
depends_on = None

Instant = core.db_types.UTCDateTime(timezone=True)
ANSWERING = sa.text("status = 'answering'")
OLD_STATUSES = "status in ('pending', 'processing', 'done', 'failed', 'ignored')"
NEW_STATUSES = "status in ('pending', 'processing', 'answering', 'done', 'failed', 'ignored', 'unanswered')"


def upgrade() -> None:
    with op.batch_alter_table("inbox_events") as batch_op:
        batch_op.add_column(sa.Column("answer", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("answered_at", Instant, nullable=True))
        batch_op.add_column(sa.Column("answered_by", sa.String(length=8), nullable=True))
        batch_op.drop_constraint(op.f("ck_inbox_events_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", sa.text(NEW_STATUSES))
    op.create_index("ix_inbox_events_answering", "inbox_events", ["claimed_at"], unique=False,
                    sqlite_where=ANSWERING, postgresql_where=ANSWERING)


def downgrade() -> None:
    op.drop_index("ix_inbox_events_answering", table_name="inbox_events")
    # an answer still to send is lost with its columns: the event counts as done, as it did before
    op.execute("update inbox_events set status = 'done' where status = 'answering'")
    op.execute("update inbox_events set status = 'failed' where status = 'unanswered'")
    with op.batch_alter_table("inbox_events") as batch_op:
        batch_op.drop_constraint(op.f("ck_inbox_events_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", sa.text(OLD_STATUSES))
        batch_op.drop_column("answered_by")
        batch_op.drop_column("answered_at")
        batch_op.drop_column("answer")
