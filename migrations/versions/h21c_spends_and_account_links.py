"""points spent at the till (points_spends); LINE account link (account_link_requests, member_links)

Revision ID: h21c_spends_and_account_links
Revises: h21a_phone_codes
"""
from alembic import op
import sqlalchemy as sa

import core.db_types

revision = "h21c_spends_and_account_links"
down_revision = "h21a_phone_codes"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Instant = core.db_types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "points_spends",
        sa.Column("id", Id, nullable=False),
        sa.Column("spend_id", sa.String(length=16), nullable=False),
        sa.Column("member_id", Id, nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("discount", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("points_returned", sa.Integer(), nullable=False),
        sa.Column("balance_after", sa.Integer(), nullable=False),
        sa.Column("cancel_balance", sa.Integer(), nullable=True),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("cancelled_at", Instant, nullable=True),
        sa.CheckConstraint("channel in ('store', 'online')", name=op.f("ck_points_spends_channel_known")),
        sa.CheckConstraint("status in ('spent', 'cancelled')", name=op.f("ck_points_spends_status_known")),
        sa.CheckConstraint("points > 0 and discount >= 0", name=op.f("ck_points_spends_points_positive")),
        sa.CheckConstraint("points_returned >= 0 and points_returned <= points",
                           name=op.f("ck_points_spends_returned_range")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_points_spends_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points_spends")),
        sa.UniqueConstraint("channel", "order_id", name=op.f("uq_points_spends_channel")),
        sa.UniqueConstraint("spend_id", name=op.f("uq_points_spends_spend_id")),
    )
    op.create_index(op.f("ix_points_spends_member_id"), "points_spends", ["member_id"], unique=False)
    op.create_table(
        "account_link_requests",
        sa.Column("id", Id, nullable=False),
        sa.Column("member_id", Id, nullable=False),
        sa.Column("link_token", sa.String(length=128), nullable=False),
        sa.Column("token_expires_at", Instant, nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=True),
        sa.Column("platform", sa.String(length=32), nullable=True),
        sa.Column("customer_id", sa.String(length=128), nullable=True),
        sa.Column("nonce_expires_at", Instant, nullable=True),
        sa.Column("used_at", Instant, nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("created_at", Instant, nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_account_link_requests_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_link_requests")),
        sa.UniqueConstraint("link_token", name=op.f("uq_account_link_requests_link_token")),
        sa.UniqueConstraint("nonce", name=op.f("uq_account_link_requests_nonce")),
    )
    op.create_index(op.f("ix_account_link_requests_member_id"), "account_link_requests", ["member_id"], unique=False)
    op.create_table(
        "member_links",
        sa.Column("id", Id, nullable=False),
        sa.Column("member_id", Id, nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=128), nullable=False),
        sa.Column("linked_at", Instant, nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_member_links_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_links")),
        sa.UniqueConstraint("member_id", "platform", name=op.f("uq_member_links_member_id")),
        sa.UniqueConstraint("platform", "customer_id", name=op.f("uq_member_links_platform")),
    )


def downgrade() -> None:
    op.drop_table("member_links")
    op.drop_index(op.f("ix_account_link_requests_member_id"), table_name="account_link_requests")
    op.drop_table("account_link_requests")
    op.drop_index(op.f("ix_points_spends_member_id"), table_name="points_spends")
    op.drop_table("points_spends")
