"""partial indexes over unfinished inbox events and unsent outbox rows

Revision ID: i12_partial_indexes
Revises: i13_conversation
"""
from alembic import op
import sqlalchemy as sa

revision = "i12_partial_indexes"
down_revision = "i13_conversation"
branch_labels = None
depends_on = None

UNFINISHED = sa.text("status in ('pending', 'processing')")
UNSENT = sa.text("status in ('pending', 'sending')")


def _partial(name, table, columns, where):
    op.create_index(name, table, columns, unique=False, sqlite_where=where, postgresql_where=where)


def upgrade() -> None:
    op.drop_index("ix_inbox_events_status", table_name="inbox_events")
    _partial("ix_inbox_events_unfinished", "inbox_events", ["status", "received_at"], UNFINISHED)
    _partial("ix_inbox_events_user_unfinished", "inbox_events", ["user_key", "id"], UNFINISHED)
    op.drop_index("ix_outbox_due", table_name="outbox")
    _partial("ix_outbox_due", "outbox", ["status", "not_before"], UNSENT)


def downgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.create_index("ix_outbox_due", "outbox", ["status", "not_before"], unique=False)
    op.drop_index("ix_inbox_events_user_unfinished", table_name="inbox_events")
    op.drop_index("ix_inbox_events_unfinished", table_name="inbox_events")
    op.create_index("ix_inbox_events_status", "inbox_events", ["status", "received_at"], unique=False)
