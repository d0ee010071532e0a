"""understanding: wordings staff labelled, misses grouped by meaning, and whether a member chose their language

Revision ID: u18_labelled_examples
Revises: h19a_link_codes
"""
from alembic import op
import sqlalchemy as sa
import core.db_types


revision = "u18_labelled_examples"
down_revision = "h19a_link_codes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "labelled_examples",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("staff_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labelled_examples")),
    )
    op.create_index(op.f("ix_labelled_examples_label"), "labelled_examples", ["label"])
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("language_chosen", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("unanswered_messages") as batch:
        batch.add_column(sa.Column("group_key", sa.BigInteger(), nullable=True))
        batch.alter_column("answered_by", existing_type=sa.String(length=64), type_=sa.String(length=80))
        batch.create_index(batch.f("ix_unanswered_messages_group_key"), ["group_key"])


def downgrade() -> None:
    with op.batch_alter_table("unanswered_messages") as batch:
        batch.drop_index(batch.f("ix_unanswered_messages_group_key"))
        batch.alter_column("answered_by", existing_type=sa.String(length=80), type_=sa.String(length=64))
        batch.drop_column("group_key")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("language_chosen")
    op.drop_index(op.f("ix_labelled_examples_label"), table_name="labelled_examples")
    op.drop_table("labelled_examples")
