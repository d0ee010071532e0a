"""members: when the phone was verified, and one verified number per person

Revision ID: i21_phone_identity
Revises: h19b_answered_events
"""
from alembic import op
import sqlalchemy as sa

import core.db_types

revision = "i21_phone_identity"
down_revision = "h19b_answered_events"
branch_labels = None
depends_on = None

VERIFIED_PHONE = sa.text("phone_verified_at is not null and erased_at is null")


def upgrade() -> None:
    with op.batch_alter_table("members") as batch_op:
        batch_op.add_column(sa.Column("phone_verified_at", core.db_types.UTCDateTime(timezone=True),
                                      nullable=True))
    op.create_index("uq_members_verified_phone", "members", ["phone"], unique=True,
                    sqlite_where=VERIFIED_PHONE, postgresql_where=VERIFIED_PHONE)


def downgrade() -> None:
    op.drop_index("uq_members_verified_phone", table_name="members")
    with op.batch_alter_table("members") as batch_op:
        batch_op.drop_column("phone_verified_at")
