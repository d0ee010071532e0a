"""worker heartbeats: the worker's sign of life and its counters, for /healthz and /metrics

Revision ID: i9_worker_heartbeats
Revises: i14_marketing_console
"""
from alembic import op
import sqlalchemy as sa
import core.db_types


revision = "i9_worker_heartbeats"
down_revision = "i14_marketing_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worker_heartbeats",
        sa.Column("worker_id", sa.String(length=120), nullable=False),
        sa.Column("started_at", core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("beat_at", core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_worker_heartbeats")),
    )
    with op.batch_alter_table("worker_heartbeats", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_worker_heartbeats_beat_at"), ["beat_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("worker_heartbeats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worker_heartbeats_beat_at"))
    op.drop_table("worker_heartbeats")
