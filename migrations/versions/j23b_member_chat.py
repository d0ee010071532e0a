"""1:1 chat from a member's page: who opened and answers a chat, notes, stickers and images, LINE's
mark-as-read tokens, canned replies; content items (shipped articles, stores) edited in the console; several journeys and enrolment by segment

Revision ID: j23b_member_chat
Revises: h21c_spends_and_account_links
"""
from alembic import op
import sqlalchemy as sa

import core.db_types

revision = "j23b_member_chat"
down_revision = "j23a_broadcast_cards"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Instant = core.db_types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("opened_by", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("assigned_to", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("read_at", Instant, nullable=True))
    with op.batch_alter_table("handoff_messages") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=8), nullable=False, server_default="text"))
        batch.add_column(sa.Column("extra", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("read_token", sa.String(length=400), nullable=True))
    with op.batch_alter_table("content_items") as batch:
        batch.add_column(sa.Column("edited_at", Instant, nullable=True))
        batch.add_column(sa.Column("edited_by", sa.String(length=200), nullable=True))
    with op.batch_alter_table("journey_steps") as batch:
        batch.add_column(sa.Column("journey", sa.String(length=16), nullable=False, server_default="welcome"))
    op.create_table(
        "journey_enrolments",
        sa.Column("id", Id, nullable=False),
        sa.Column("journey", sa.String(length=16), nullable=False),
        sa.Column("member_id", Id, nullable=False),
        sa.Column("enrolled_at", Instant, nullable=False),
        sa.Column("enrolled_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_journey_enrolments_member_id_members"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_enrolments")),
        sa.UniqueConstraint("journey", "member_id", name="uq_journey_enrolments_journey_member"),
    )
    op.create_index(op.f("ix_journey_enrolments_member_id"), "journey_enrolments", ["member_id"], unique=False)
    op.create_table(
        "canned_replies",
        sa.Column("id", Id, nullable=False),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_replies")),
    )


def downgrade() -> None:
    op.drop_table("canned_replies")
    op.drop_index(op.f("ix_journey_enrolments_member_id"), table_name="journey_enrolments")
    op.drop_table("journey_enrolments")
    with op.batch_alter_table("journey_steps") as batch:
        batch.drop_column("journey")
    with op.batch_alter_table("content_items") as batch:
        batch.drop_column("edited_by")
        batch.drop_column("edited_at")
    with op.batch_alter_table("handoff_messages") as batch:
        batch.drop_column("read_token")
        batch.drop_column("extra")
        batch.drop_column("kind")
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_column("read_at")
        batch.drop_column("assigned_to")
        batch.drop_column("opened_by")
