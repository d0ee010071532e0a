"""hardening: server-side console sessions, keyed identity hashes

Revision ID: i11_hardening
Revises: i9_worker_heartbeats
"""
from alembic import op
import sqlalchemy as sa
import core.db_types


revision = "i11_hardening"
down_revision = "i9_worker_heartbeats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", core.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_users.id"], name=op.f("fk_staff_sessions_staff_id_staff_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_sessions_token_hash")),
    )
    op.create_index(op.f("ix_staff_sessions_staff_id"), "staff_sessions", ["staff_id"], unique=False)
    _rekey_identity_hashes()


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_sessions_staff_id"), table_name="staff_sessions")
    op.drop_table("staff_sessions")


def _rekey_identity_hashes() -> None:
    """members.identity_hash was a plain SHA-256 of the LINE user id; it becomes HMAC(key, that hash)
    with the key derived from SECRET_KEY, for every row (erased ones too: their plain hash is all
    that is left, and it is enough)."""
    from core.config import Config
    from rewards.membership import keyed_identity

    bind = op.get_bind()
    members = sa.table("members", sa.column("id", sa.Integer), sa.column("identity_hash", sa.String))
    rows = bind.execute(sa.select(members.c.id, members.c.identity_hash)
                        .where(members.c.identity_hash.is_not(None))).all()
    if not rows:
        return
    key = Config.from_env().identity_key()  # refuses to run in production without SECRET_KEY
    for start in range(0, len(rows), 1000):
        bind.execute(members.update().where(members.c.id == sa.bindparam("row_id"))
                     .values(identity_hash=sa.bindparam("new_hash")),
                     [{"row_id": row_id, "new_hash": keyed_identity(old, key)}
                      for row_id, old in rows[start:start + 1000]])
