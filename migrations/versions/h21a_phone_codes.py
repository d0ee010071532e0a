"""phone_codes: SMS one-time codes that verify a member's phone (only their HMAC is kept)

Revision ID: h21a_phone_codes
Revises: h21b_member_imports
"""
from alembic import op
import sqlalchemy as sa

import core.db_types

revision = "h21a_phone_codes"
down_revision = "h21b_member_imports"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "phone_codes",
        sa.Column("id", BigId, nullable=False),
        sa.Column("member_id", BigId, nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", core.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("provider", sa.String(length=16), nullable=True),
        sa.Column("provider_ref", sa.String(length=64), nullable=True),
        sa.Column("used_at", core.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status in ('pending', 'sent', 'failed', 'replaced', 'used', 'dead')",
                           name=op.f("ck_phone_codes_status_known")),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_phone_codes_attempts_not_negative")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_phone_codes_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_codes")),
    )
    op.create_index("ix_phone_codes_member_created", "phone_codes", ["member_id", "created_at"])
    op.create_index("ix_phone_codes_phone_created", "phone_codes", ["phone", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_phone_codes_phone_created", table_name="phone_codes")
    op.drop_index("ix_phone_codes_member_created", table_name="phone_codes")
    op.drop_table("phone_codes")
