"""journey steps: a campaign coupon per recipient (`coupon`); the win-back journey's wait set by staff
(`journey_settings`)

Revision ID: k23c_journey_coupons
Revises: j23b_member_chat
"""
from alembic import op
import sqlalchemy as sa

import core.db_types

revision = "k23c_journey_coupons"
down_revision = "j23b_member_chat"
branch_labels = None
depends_on = None

Instant = core.db_types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("journey_steps") as batch:
        batch.add_column(sa.Column("coupon", sa.JSON(), nullable=True))
    op.create_table(
        "journey_settings",
        sa.Column("journey", sa.String(length=16), nullable=False),
        sa.Column("start_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", Instant, nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("journey", name=op.f("pk_journey_settings")),
    )


def downgrade() -> None:
    op.drop_table("journey_settings")
    with op.batch_alter_table("journey_steps") as batch:
        batch.drop_column("coupon")
