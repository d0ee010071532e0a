"""How long webhook events are kept: processed ones are deleted after the retention period.

An event's payload (what the user wrote) is already cleared when it is processed; the row itself
(webhookEventId, type, the LINE user id it was filed under, times) is kept for
`INBOX_RETENTION_DAYS` (default 30) to recognise LINE's redeliveries and to look into problems,
then deleted. Pending and processing events, and those whose answer has not gone, are never deleted.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.models import InboxEvent

FINISHED = ("done", "failed", "ignored", "unanswered")
BATCH = 5000


def purge_batch(session: Session, now: datetime, keep_days: int, limit: int = BATCH) -> int:
    """Delete up to `limit` finished events processed more than `keep_days` ago; the number deleted."""
    before = now - timedelta(days=keep_days)
    ids = select(InboxEvent.id).where(InboxEvent.status.in_(FINISHED), InboxEvent.processed_at < before)
    ids = list(session.scalars(ids.order_by(InboxEvent.id).limit(limit)))
    if ids:
        session.execute(delete(InboxEvent).where(InboxEvent.id.in_(ids)).execution_options(synchronize_session=False))
    return len(ids)
