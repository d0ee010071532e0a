"""The outbox sender's own table: one row per call to LINE, with its retry key."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from core.orm import Base, BigId
from rewards.models import UNSENT


class OutboxBatch(Base):
    """One call to LINE (a push, or a multicast of up to 500) and its X-Line-Retry-Key.

    The sender's own state lives here, once per call instead of on every recipient's row: the retry
    key (stored and committed before LINE is first called, reused for every retry), the attempts,
    the lease (`claimed_at` of a 'sending' batch) and when to try again. Its outbox rows point to it
    with `batch_id` and are settled together when it is.
    """

    __tablename__ = "outbox_batches"
    __table_args__ = (
        CheckConstraint("status in ('pending', 'sending', 'sent', 'failed')", name="status_known"),
        Index("ix_outbox_batches_due", "status", "not_before", sqlite_where=text(UNSENT),
              postgresql_where=text(UNSENT)),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    retry_key: Mapped[str] = mapped_column(String(36))
    # decided at the first attempt and kept for every retry under the key
    multicast: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    first_attempt_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    not_before: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
