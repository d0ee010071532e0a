"""Tables every edge reaches: the webhook inbox and what the bot waits for from a user (conversation state)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from core.orm import Base, BigId


UNFINISHED_SQL = text("status in ('pending', 'processing')")
ANSWERING_SQL = text("status = 'answering'")


class InboxEvent(Base):
    """One webhook event, keyed by LINE's webhookEventId so a redelivery is recognised.

    Its way: pending -> processing (claimed) -> answering (the handler's effects committed, its
    answer stored in `answer`) -> done or failed once the answer has gone to LINE (`answered_at`,
    `answered_by`: reply or push), or unanswered when it could not go (`error` says why). An event
    with nothing to say goes from processing to done (or ignored) at once.
    """

    __tablename__ = "inbox_events"
    __table_args__ = (
        CheckConstraint("status in ('pending', 'processing', 'answering', 'done', 'failed', 'ignored', 'unanswered')",
                        name="status_known"),
        Index("ix_inbox_events_user_order", "user_key", "id"),
        # partial: only unfinished events (the sweeper's and the next-pending look-ups), not the
        # thousands of finished ones a bitmap scan would otherwise wade through
        Index("ix_inbox_events_unfinished", "status", "received_at", sqlite_where=UNFINISHED_SQL,
              postgresql_where=UNFINISHED_SQL),
        Index("ix_inbox_events_user_unfinished", "user_key", "id", sqlite_where=UNFINISHED_SQL,
              postgresql_where=UNFINISHED_SQL),
        # the answers a crash left unsent (the sweeper's look-up)
        Index("ix_inbox_events_answering", "claimed_at", sqlite_where=ANSWERING_SQL, postgresql_where=ANSWERING_SQL),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    webhook_event_id: Mapped[str] = mapped_column(String(64), unique=True)
    event_type: Mapped[str] = mapped_column(String(40))
    # whose conversation this is (user, group or room id); one key's events are processed in order
    user_key: Mapped[str] = mapped_column(String(64))
    is_redelivery: Mapped[bool] = mapped_column(default=False)
    # the event as LINE sent it; cleared once processed, so message texts are not kept
    payload: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    received_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    # what the bot answers (LINE messages, where they go, the push's retry key: bot/answers.py),
    # worked out once with the handler's effects; cleared once it has gone
    answer: Mapped[dict | None] = mapped_column(JSON)
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[str | None] = mapped_column(String(8))


class ConversationState(Base):
    """What the bot is waiting for from one user (e.g. a survey comment), until it expires."""

    __tablename__ = "conversation_states"

    line_user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime]


class WorkerHeartbeat(Base):
    """The worker's sign of life, written every few seconds: /healthz reads it, and /metrics its counters
    (sweep runs and failures, LINE calls, this month's LINE quota used), so they count across machines."""

    __tablename__ = "worker_heartbeats"

    worker_id: Mapped[str] = mapped_column(String(120), primary_key=True)  # host:pid
    started_at: Mapped[datetime]
    beat_at: Mapped[datetime] = mapped_column(index=True)
    stats: Mapped[dict] = mapped_column(JSON, default=dict)
