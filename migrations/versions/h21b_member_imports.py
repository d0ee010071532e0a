"""member records moved in from another programme, claimed by a LINE member

Revision ID: h21b_member_imports
Revises: h19e_outbox_member_order
"""
from alembic import op
import sqlalchemy as sa

import core.db_types

revision = "h21b_member_imports"
down_revision = "h19e_outbox_member_order"
branch_labels = None
depends_on = None

UNCLAIMED = sa.text("claimed_at is null and erased_at is null")
OLD_STATUSES = "status in ('friend', 'member', 'erased')"
NEW_STATUSES = "status in ('friend', 'member', 'imported', 'claimed', 'erased')"


def upgrade() -> None:
    with op.batch_alter_table("members") as batch_op:
        batch_op.add_column(sa.Column("tier_until", sa.Date(), nullable=True))
        batch_op.drop_constraint(op.f("ck_members_status_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_members_status_known"), NEW_STATUSES)
    op.create_table(
        "member_imports",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("claim_code", sa.String(length=16), nullable=True),
        sa.Column("imported_at", core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", core.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("claimed_by", sa.String(length=8), nullable=True),
        sa.Column("erased_at", core.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_member_imports_member_id_members")),
        sa.ForeignKeyConstraint(["claimed_by_id"], ["members.id"],
                                name=op.f("fk_member_imports_claimed_by_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_imports")),
        sa.UniqueConstraint("source", "external_id", name="uq_member_imports_source_external_id"),
        sa.UniqueConstraint("member_id", name=op.f("uq_member_imports_member_id")),
        sa.UniqueConstraint("member_code", name=op.f("uq_member_imports_member_code")),
        sa.UniqueConstraint("claim_code", name=op.f("uq_member_imports_claim_code")),
    )
    op.create_index("ix_member_imports_claimed_by_id", "member_imports", ["claimed_by_id"])
    op.create_index("ix_member_imports_unclaimed", "member_imports", ["imported_at"],
                    sqlite_where=UNCLAIMED, postgresql_where=UNCLAIMED)
    op.create_table(
        "claim_attempts",
        sa.Column("line_user_id", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_started_at", core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("line_user_id", name=op.f("pk_claim_attempts")),
    )


def downgrade() -> None:
    op.drop_table("claim_attempts")
    op.drop_index("ix_member_imports_unclaimed", table_name="member_imports")
    op.drop_index("ix_member_imports_claimed_by_id", table_name="member_imports")
    op.drop_table("member_imports")
    with op.batch_alter_table("members") as batch_op:
        batch_op.drop_constraint(op.f("ck_members_status_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_members_status_known"), OLD_STATUSES)
        batch_op.drop_column("tier_until")
