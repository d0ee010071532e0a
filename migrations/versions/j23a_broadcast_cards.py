"""broadcasts: carousels (a `cards` list) and the `carousel` message type; A/B variants and the exact
split decided when a broadcast is claimed; short links per variant; LINE's opens and clicks per aggregation unit;
a campaign coupon per recipient

Revision ID: j23a_broadcast_cards
Revises: h21c_spends_and_account_links
"""
from alembic import op
import sqlalchemy as sa

revision = "j23a_broadcast_cards"
down_revision = "j22_liff_member_pages"
branch_labels = None
depends_on = None

OLD = "message_type in ('text', 'image', 'button', 'content')"
NEW = "message_type in ('text', 'image', 'button', 'content', 'carousel')"


def upgrade() -> None:
    with op.batch_alter_table("broadcasts") as batch_op:
        batch_op.add_column(sa.Column("cards", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("variants", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("split", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("line_stats", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("coupon", sa.JSON(), nullable=True))
        batch_op.drop_constraint(op.f("ck_broadcasts_type_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_broadcasts_type_known"), NEW)
    op.drop_index("ix_short_links_broadcast", table_name="short_links")
    with op.batch_alter_table("short_links") as batch_op:
        batch_op.add_column(sa.Column("variant", sa.String(length=1), server_default="", nullable=False))
    op.create_index("ix_short_links_broadcast", "short_links", ["broadcast_id", "variant", "url"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_short_links_broadcast", table_name="short_links")
    op.execute("DELETE FROM short_links WHERE variant <> ''")
    with op.batch_alter_table("short_links") as batch_op:
        batch_op.drop_column("variant")
    op.create_index("ix_short_links_broadcast", "short_links", ["broadcast_id", "url"], unique=True)
    op.execute("UPDATE broadcasts SET message_type = 'text' WHERE message_type = 'carousel'")
    with op.batch_alter_table("broadcasts") as batch_op:
        batch_op.drop_constraint(op.f("ck_broadcasts_type_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_broadcasts_type_known"), OLD)
        batch_op.drop_column("cards")
        batch_op.drop_column("variants")
        batch_op.drop_column("split")
        batch_op.drop_column("line_stats")
        batch_op.drop_column("coupon")
