"""What the bot waits for from one user (e.g. a survey comment), kept in the database until it expires."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from core.models import ConversationState


def get(session: Session, user_id: str, now: datetime) -> ConversationState | None:
    return current(session.get(ConversationState, user_id), now)


def current(state: ConversationState | None, now: datetime) -> ConversationState | None:
    """The state unless it has expired."""
    if state is None or state.expires_at <= now:
        return None
    return state


def set(session: Session, user_id: str, name: str, data: dict, now: datetime, ttl: timedelta) -> None:  # noqa: A001
    state = session.get(ConversationState, user_id)
    if state is None:
        session.add(ConversationState(line_user_id=user_id, name=name, data=data, expires_at=now + ttl))
    else:
        state.name, state.data, state.expires_at = name, data, now + ttl


def clear(session: Session, user_id: str) -> None:
    session.execute(delete(ConversationState).where(ConversationState.line_user_id == user_id))
