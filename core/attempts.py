"""Tries counted per LINE user in a window, in the database so that every process counts the same
(a staff member's link code, a member's claim code). The table has `line_user_id` (key),
`attempts` and `window_started_at`.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import case, literal, or_, select, update
from sqlalchemy.orm import Session

from core.bulk import insert_new
from core.db_types import UTCDateTime


def take_turn(session: Session, model, line_user_id: str, now: datetime, limit: int,
              window: timedelta) -> timedelta | None:
    """Count one try for this LINE user; None when it may go ahead, else how long until it may. One
    conditional UPDATE decides, so parallel tries from several processes get no more than their share."""
    insert_new(session, model.__table__, [{"line_user_id": line_user_id, "attempts": 0, "window_started_at": now}])
    window_open = model.window_started_at > literal(now - window, UTCDateTime())
    taken = session.execute(
        update(model)
        .where(model.line_user_id == line_user_id, or_(~window_open, model.attempts < limit))
        .values(attempts=case((window_open, model.attempts + 1), else_=1),
                window_started_at=case((window_open, model.window_started_at),
                                       else_=literal(now, UTCDateTime())))
        .execution_options(synchronize_session=False)).rowcount
    if taken == 1:
        return None
    started = session.scalar(select(model.window_started_at).where(model.line_user_id == line_user_id))
    return max(started + window - now, timedelta(minutes=1))


def minutes_left(retry_in: timedelta | None) -> int:
    """Whole minutes to wait, rounded up, for the member's words."""
    return max(1, math.ceil((retry_in or timedelta()).total_seconds() / 60))
