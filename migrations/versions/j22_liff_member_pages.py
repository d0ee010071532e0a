"""The member pages (LIFF): the e-invoice mobile carrier a member shows on their card; the rich menu
each member was last linked to (menus by tier and verified phone).

Revision ID: j22_liff_member_pages
"""
import sqlalchemy as sa
from alembic import op

revision = "j22_liff_member_pages"
down_revision = "j20_shop_orders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("einvoice_carrier", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("rich_menu", sa.String(length=24), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("rich_menu")
        batch.drop_column("einvoice_carrier")
