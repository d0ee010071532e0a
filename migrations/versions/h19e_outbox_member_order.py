"""outbox: a member's unsent messages by id, so the sender sends them one at a time, in order

Revision ID: h19e_outbox_member_order
Revises: i21_phone_identity
"""
from alembic import op
import sqlalchemy as sa

revision = "h19e_outbox_member_order"
down_revision = "i21_phone_identity"
branch_labels = None
depends_on = None

UNSENT = sa.text("status in ('pending', 'sending')")


def upgrade() -> None:
    op.create_index("ix_outbox_member_unsent", "outbox", ["member_id", "id"], unique=False,
                    sqlite_where=UNSENT, postgresql_where=UNSENT)


def downgrade() -> None:
    op.drop_index("ix_outbox_member_unsent", table_name="outbox")
