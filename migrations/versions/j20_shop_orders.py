"""online shops' order webhooks: shop_deliveries, shop_orders, shop_sweeps

Revision ID: j20_shop_orders
Revises: h21c_spends_and_account_links
"""
from alembic import op
import sqlalchemy as sa

import core.db_types

revision = "j20_shop_orders"
down_revision = "h21c_spends_and_account_links"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Instant = core.db_types.UTCDateTime(timezone=True)
PLATFORMS = "platform in ('shopify', 'woocommerce', 'shopline')"


def upgrade() -> None:
    op.create_table(
        "shop_deliveries",
        sa.Column("id", Id, nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("delivery_id", sa.String(length=128), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("shop", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("received_at", Instant, nullable=False),
        sa.Column("claimed_at", Instant, nullable=True),
        sa.Column("processed_at", Instant, nullable=True),
        sa.CheckConstraint(PLATFORMS, name=op.f("ck_shop_deliveries_platform_known")),
        sa.CheckConstraint("status in ('pending', 'processing', 'done', 'ignored', 'failed')",
                           name=op.f("ck_shop_deliveries_status_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_deliveries")),
        sa.UniqueConstraint("platform", "delivery_id", name=op.f("uq_shop_deliveries_platform")),
    )
    op.create_index("ix_shop_deliveries_status", "shop_deliveries", ["status", "id"], unique=False)
    op.create_table(
        "shop_orders",
        sa.Column("id", Id, nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("shop", sa.String(length=128), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("order_name", sa.String(length=64), nullable=True),
        sa.Column("customer_id", sa.String(length=128), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("placed_at", Instant, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("matched_by", sa.String(length=16), nullable=True),
        sa.Column("order_id", Id, nullable=True),
        sa.Column("contact", sa.JSON(), nullable=True),
        sa.Column("received_at", Instant, nullable=False),
        sa.Column("updated_at", Instant, nullable=False),
        sa.CheckConstraint(PLATFORMS, name=op.f("ck_shop_orders_platform_known")),
        sa.CheckConstraint("status in ('credited', 'waiting', 'skipped', 'expired', 'reversed')",
                           name=op.f("ck_shop_orders_status_known")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_shop_orders_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_orders")),
        sa.UniqueConstraint("platform", "shop", "external_id", name=op.f("uq_shop_orders_platform")),
    )
    op.create_index("ix_shop_orders_waiting", "shop_orders", ["status", "platform", "customer_id"], unique=False)
    op.create_table(
        "shop_sweeps",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("modified_after", Instant, nullable=True),
        sa.Column("last_run_at", Instant, nullable=True),
        sa.Column("last_result", sa.String(length=200), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("platform", name=op.f("pk_shop_sweeps")),
    )


def downgrade() -> None:
    op.drop_table("shop_sweeps")
    op.drop_index("ix_shop_orders_waiting", table_name="shop_orders")
    op.drop_table("shop_orders")
    op.drop_index("ix_shop_deliveries_status", table_name="shop_deliveries")
    op.drop_table("shop_deliveries")
