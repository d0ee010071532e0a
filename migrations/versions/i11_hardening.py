"""hardening: server-side console sessions

Revision ID: i11_hardening
Revises: 3c7708a9496b
"""
from alembic import op
import sqlalchemy as sa
import rewards.db_types


revision = "i11_hardening"
down_revision = "3c7708a9496b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", rewards.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", rewards.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", rewards.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_users.id"], name=op.f("fk_staff_sessions_staff_id_staff_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_sessions_token_hash")),
    )
    op.create_index(op.f("ix_staff_sessions_staff_id"), "staff_sessions", ["staff_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_sessions_staff_id"), table_name="staff_sessions")
    op.drop_table("staff_sessions")
