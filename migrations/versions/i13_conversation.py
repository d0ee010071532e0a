"""conversation beyond the menu: faq and store library items, handoffs and their kept messages, unanswered messages

Revision ID: i13_conversation
Revises: i11_hardening
"""
from alembic import op
import sqlalchemy as sa
import core.db_types


revision = "i13_conversation"
down_revision = "i11_hardening"  # chained after main's migrations when merging main
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = core.db_types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("content_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details", sa.JSON(), nullable=True))
        batch_op.drop_constraint(op.f("ck_content_items_kind_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_content_items_kind_known"), "kind in ('story', 'tip', 'new_product', 'faq', 'store')")
    op.create_table(
        "handoffs",
        sa.Column("id", BigId, nullable=False),
        sa.Column("line_user_id", sa.String(length=64), nullable=False),
        sa.Column("member_id", BigId, nullable=True),
        sa.Column("opened_at", When, nullable=False),
        sa.Column("until", When, nullable=False),
        sa.Column("last_message_at", When, nullable=False),
        sa.Column("seen_at", When, nullable=True),
        sa.Column("closed_at", When, nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_handoffs_member_id_members"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoffs")),
    )
    op.create_index("ix_handoffs_user_open", "handoffs", ["line_user_id", "closed_at"], unique=False)
    op.create_table(
        "handoff_messages",
        sa.Column("id", BigId, nullable=False),
        sa.Column("handoff_id", BigId, nullable=False),
        sa.Column("line_user_id", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", When, nullable=False),
        sa.Column("staff", sa.String(length=200), nullable=True),
        sa.CheckConstraint("direction in ('in', 'out')", name=op.f("ck_handoff_messages_direction_known")),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"], name=op.f("fk_handoff_messages_handoff_id_handoffs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_messages")),
    )
    op.create_index("ix_handoff_messages_handoff", "handoff_messages", ["handoff_id", "id"], unique=False)
    op.create_index(op.f("ix_handoff_messages_line_user_id"), "handoff_messages", ["line_user_id"], unique=False)
    op.create_table(
        "unanswered_messages",
        sa.Column("id", BigId, nullable=False),
        sa.Column("line_user_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("form", sa.String(length=500), nullable=False),
        sa.Column("at", When, nullable=False),
        sa.Column("answered_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unanswered_messages")),
    )
    op.create_index("ix_unanswered_messages_at", "unanswered_messages", ["at"], unique=False)
    op.create_index(op.f("ix_unanswered_messages_form"), "unanswered_messages", ["form"], unique=False)
    op.create_index(op.f("ix_unanswered_messages_line_user_id"), "unanswered_messages", ["line_user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("unanswered_messages")
    op.drop_table("handoff_messages")
    op.drop_table("handoffs")
    with op.batch_alter_table("content_items", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_content_items_kind_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_content_items_kind_known"), "kind in ('story', 'tip', 'new_product')")
        batch_op.drop_column("details")
