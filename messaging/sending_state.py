"""Whether LINE's monthly message limit stops the bot's own messages, recorded where staff can see it."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from core.timeutil import require_aware

from messaging.models import SenderStatus

# While the limit stands, the sender still tries once this often: the plan may have been upgraded or
# more messages bought, and the messages should go within minutes of that (a refused try costs nothing).
RECHECK_EVERY = timedelta(minutes=5)


def _row(session: Session, now: datetime) -> SenderStatus:
    row = session.get(SenderStatus, 1)
    if row is None:
        row = SenderStatus(id=1, updated_at=now)
        session.add(row)
        session.flush()
    return row


def monthly_limit_reached_at(session: Session) -> datetime | None:
    """When LINE last said the monthly limit was reached (None: sending normally)."""
    row = session.get(SenderStatus, 1)
    return row.monthly_limit_reached_at if row is not None else None


def record_monthly_limit(session: Session, now: datetime, message: str) -> None:
    require_aware(now)
    row = _row(session, now)
    if row.monthly_limit_reached_at is None:
        row.monthly_limit_reached_at = now
    row.monthly_limit_message = message[:500]
    row.monthly_limit_checked_at = now
    row.updated_at = now


def clear_monthly_limit(session: Session, now: datetime) -> None:
    """Sending works again (a new month, a bigger plan, or staff say so)."""
    require_aware(now)
    row = session.get(SenderStatus, 1)
    if row is not None and row.monthly_limit_reached_at is not None:
        row.monthly_limit_reached_at = None
        row.monthly_limit_message = None
        row.monthly_limit_checked_at = None
        row.updated_at = now


def may_try_sending(session: Session, now: datetime) -> bool:
    """False while the monthly limit stands: same month (in `now`'s timezone) and recently checked.

    True again in a new month, or every RECHECK_EVERY (5 minutes) to find out whether the limit was lifted; the caller
    marks such a try with `note_recheck` so only one sender makes it.
    """
    require_aware(now)
    row = session.get(SenderStatus, 1)
    if row is None or row.monthly_limit_reached_at is None:
        return True
    reached = row.monthly_limit_reached_at.astimezone(now.tzinfo)
    if (reached.year, reached.month) != (now.year, now.month):
        return True
    checked = row.monthly_limit_checked_at or reached
    return now - checked >= RECHECK_EVERY


def note_recheck(session: Session, now: datetime) -> None:
    row = _row(session, now)
    row.monthly_limit_checked_at = now
    row.updated_at = now
