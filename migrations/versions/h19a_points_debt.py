"""points debt: what a refund could not take back (points already spent) is owed, and repaid first

`members.points_debt` is what a member owes, always SUM(points_ledger.debt_delta): a refund's
shortfall adds to it, a `debt_repaid` row (taken from the next credit) takes from it. Shortfalls
recorded before this revision become debt now: the next earnings repay them.

Revision ID: h19a_points_debt
Revises: s_outbox_batches
"""
from alembic import op
import sqlalchemy as sa

revision = "h19a_points_debt"
down_revision = "s_outbox_batches"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("points_ledger") as batch_op:
        batch_op.add_column(sa.Column("debt_delta", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("members") as batch_op:
        batch_op.add_column(sa.Column("points_debt", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_check_constraint(op.f("ck_members_points_debt_not_negative"), "points_debt >= 0")
    op.create_index("ix_members_owing", "members", ["points_debt"], unique=False,
                    sqlite_where=sa.text("points_debt > 0"), postgresql_where=sa.text("points_debt > 0"))
    op.execute("UPDATE points_ledger SET debt_delta = shortfall WHERE shortfall > 0")
    op.execute("UPDATE members SET points_debt = (SELECT COALESCE(SUM(l.debt_delta), 0) FROM points_ledger l "
               "WHERE l.member_id = members.id) "
               "WHERE id IN (SELECT member_id FROM points_ledger WHERE debt_delta <> 0)")


def downgrade() -> None:
    op.drop_index("ix_members_owing", table_name="members")
    with op.batch_alter_table("members") as batch_op:
        batch_op.drop_constraint(op.f("ck_members_points_debt_not_negative"), type_="check")
        batch_op.drop_column("points_debt")
    with op.batch_alter_table("points_ledger") as batch_op:
        batch_op.drop_column("debt_delta")
