"""marketing console: broadcast hold-out, short links, staff LINE links, welcome journey steps

Revision ID: i14_marketing_console
Revises: 3c7708a9496b
"""
from alembic import op
import sqlalchemy as sa
import core.db_types

revision = "i14_marketing_console"
down_revision = "3c7708a9496b"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = core.db_types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holdout_pct", sa.SmallInteger(), server_default="0", nullable=False))
    op.create_table(
        "short_links",
        sa.Column("id", BigId, nullable=False),
        sa.Column("token", sa.String(length=16), nullable=False),
        sa.Column("broadcast_id", BigId, nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("clicks", sa.Integer(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"], name=op.f("fk_short_links_broadcast_id_broadcasts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_short_links")),
        sa.UniqueConstraint("token", name=op.f("uq_short_links_token")),
    )
    op.create_index("ix_short_links_broadcast", "short_links", ["broadcast_id", "url"], unique=True)
    op.create_table(
        "staff_line_links",
        sa.Column("staff_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("code", sa.String(length=12), nullable=True),
        sa.Column("code_expires_at", When, nullable=True),
        sa.Column("line_user_id", sa.String(length=64), nullable=True),
        sa.Column("linked_at", When, nullable=True),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_staff_line_links")),
        sa.UniqueConstraint("code", name=op.f("uq_staff_line_links_code")),
    )
    op.create_table(
        "journey_steps",
        sa.Column("id", BigId, nullable=False),
        sa.Column("delay_days", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("text_zh", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("content_item_id", sa.BigInteger(), nullable=True),
        sa.Column("condition", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("starts_at", When, nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("updated_at", When, nullable=False),
        sa.CheckConstraint("kind in ('text', 'content')", name=op.f("ck_journey_steps_kind_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_steps")),
    )


def downgrade() -> None:
    op.drop_table("journey_steps")
    op.drop_table("staff_line_links")
    op.drop_index("ix_short_links_broadcast", table_name="short_links")
    op.drop_table("short_links")
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_column("holdout_pct")
