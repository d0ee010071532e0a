"""staff LINE ids only from the LINK code: the hand-typed `staff_users.line_user_id` is dropped

Test sends go only to the LINE account a staff member linked by sending the bot the one-time code
(`staff_line_links`, filled from the webhook event). An id typed by hand could be anyone's, a member
who opted out included; staff who had one link their account once.

Revision ID: h19a_staff_line_ids
Revises: h19a_points_debt
"""
from alembic import op
import sqlalchemy as sa

revision = "h19a_staff_line_ids"
down_revision = "h19a_points_debt"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch_op:
        batch_op.drop_column("line_user_id")


def downgrade() -> None:
    with op.batch_alter_table("staff_users") as batch_op:
        batch_op.add_column(sa.Column("line_user_id", sa.String(length=64), nullable=True))
