"""members' verified email (one verified address per person), email_codes (mailed one-time codes,
only their HMAC kept) and the waiting online orders' email, so a member who verifies it claims them

Revision ID: k20e_verified_email
Revises: k23c_journey_coupons
"""
from alembic import op
import sqlalchemy as sa

import core.db_types

revision = "k20e_verified_email"
down_revision = "k23c_journey_coupons"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Instant = core.db_types.UTCDateTime(timezone=True)
VERIFIED_EMAIL = sa.text("email_verified_at is not null and erased_at is null")


def upgrade() -> None:
    with op.batch_alter_table("members") as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("email_verified_at", Instant, nullable=True))
    op.create_index("uq_members_verified_email", "members", ["email"], unique=True,
                    sqlite_where=VERIFIED_EMAIL, postgresql_where=VERIFIED_EMAIL)
    op.create_table(
        "email_codes",
        sa.Column("id", BigId, nullable=False),
        sa.Column("member_id", BigId, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("expires_at", Instant, nullable=False),
        sa.Column("sent_at", Instant, nullable=True),
        sa.Column("provider", sa.String(length=16), nullable=True),
        sa.Column("provider_ref", sa.String(length=64), nullable=True),
        sa.Column("used_at", Instant, nullable=True),
        sa.CheckConstraint("status in ('pending', 'sent', 'failed', 'replaced', 'used', 'dead')",
                           name=op.f("ck_email_codes_status_known")),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_email_codes_attempts_not_negative")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_email_codes_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_codes")),
    )
    op.create_index("ix_email_codes_member_created", "email_codes", ["member_id", "created_at"])
    op.create_index("ix_email_codes_email_created", "email_codes", ["email", "created_at"])
    with op.batch_alter_table("shop_orders") as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("phone", sa.String(length=16), nullable=True))
    op.create_index("ix_shop_orders_email", "shop_orders", ["email"])
    op.create_index("ix_shop_orders_phone", "shop_orders", ["phone"])


def downgrade() -> None:
    op.drop_index("ix_shop_orders_phone", table_name="shop_orders")
    op.drop_index("ix_shop_orders_email", table_name="shop_orders")
    with op.batch_alter_table("shop_orders") as batch_op:
        batch_op.drop_column("phone")
        batch_op.drop_column("email")
    op.drop_index("ix_email_codes_email_created", table_name="email_codes")
    op.drop_index("ix_email_codes_member_created", table_name="email_codes")
    op.drop_table("email_codes")
    op.drop_index("uq_members_verified_email", table_name="members")
    with op.batch_alter_table("members") as batch_op:
        batch_op.drop_column("email_verified_at")
        batch_op.drop_column("email")
