"""LINK codes that cannot be guessed: longer codes whose first symbols name the link, tries counted
per code and per LINE user in the database (so every web process counts the same)

Revision ID: h19a_link_codes
Revises: h19a_staff_line_ids
"""
from alembic import op
import sqlalchemy as sa

import core.db_types

revision = "h19a_link_codes"
down_revision = "h19a_staff_line_ids"
branch_labels = None
depends_on = None

Instant = core.db_types.UTCDateTime(timezone=True)


def upgrade() -> None:
    # codes made before are 6 digits: void them (a staff member asks for a new one)
    op.execute("UPDATE staff_line_links SET code = NULL, code_expires_at = NULL")
    with op.batch_alter_table("staff_line_links") as batch_op:
        batch_op.add_column(sa.Column("code_selector", sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column("code_attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("staff_email", sa.String(length=254), nullable=True))
        batch_op.create_unique_constraint(op.f("uq_staff_line_links_code_selector"), ["code_selector"])
    op.create_table(
        "link_attempts",
        sa.Column("line_user_id", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_started_at", Instant, nullable=False),
        sa.PrimaryKeyConstraint("line_user_id", name=op.f("pk_link_attempts")),
    )


def downgrade() -> None:
    op.drop_table("link_attempts")
    op.execute("UPDATE staff_line_links SET code = NULL, code_expires_at = NULL")
    with op.batch_alter_table("staff_line_links") as batch_op:
        batch_op.drop_constraint(op.f("uq_staff_line_links_code_selector"), type_="unique")
        batch_op.drop_column("staff_email")
        batch_op.drop_column("code_attempts")
        batch_op.drop_column("code_selector")
