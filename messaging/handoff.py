"""A customer asked for a person: the chat is handed to staff, and back.

While a handoff is open (not closed and before `until`), the bot keeps quiet on the customer's free
text and keeps it here for staff; menu taps (postbacks) are still answered. Staff read open chats in
the console inbox, reply (a push through the outbox, a service message) and hand the chat back.
Either way the member is told the bot answers again: when staff hand back, or when the chat's time
runs out with nobody handing it back (`close_expired`, the worker's `handoff-expiry` sweep).

The kept messages are personal data: they are deleted `retention` after the chat closed (or
expired), erased with the member, and never logged.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from rewards import notices
from rewards.models import Member
from core.timeutil import require_aware

from . import misses
from .models import Handoff, HandoffMessage

MAX_TEXT = 2000
DEFAULT_RETENTION = timedelta(days=30)
EXPIRED = "expired"  # closed_by of a chat whose time ran out with nobody handing it back
# a chat that ran out longer ago than this (the worker down for that long, or before this sweep existed)
# is closed without telling the member: a "the bot is back" long after they last wrote makes no sense
TELL_WITHIN = timedelta(hours=12)


def is_open(now):
    """The condition of an open handoff at `now` (an instant or a bound parameter)."""
    return (Handoff.closed_at.is_(None)) & (Handoff.until > now)


def open_for(session: Session, line_user_id: str, now: datetime) -> Handoff | None:
    """The user's open handoff, if any."""
    return session.scalar(select(Handoff).where(Handoff.line_user_id == line_user_id, is_open(now))
                          .order_by(Handoff.id.desc()).limit(1))


def start(session: Session, line_user_id: str, member: Member | None, now: datetime,
          length: timedelta) -> tuple[Handoff, bool]:
    """Hand the chat to staff for `length` (or until handed back). Returns (handoff, newly opened)."""
    require_aware(now)
    current = open_for(session, line_user_id, now)
    if current is not None:
        current.until = max(current.until, now + length)
        return current, False
    handoff = Handoff(line_user_id=line_user_id, member_id=member.id if member else None, opened_at=now,
                      until=now + length, last_message_at=now)
    session.add(handoff)
    session.flush()
    return handoff, True


def keep(session: Session, handoff: Handoff, text: str, now: datetime, direction: str = "in",
         staff: str | None = None, kind: str = "text", extra: dict | None = None,
         read_token: str | None = None) -> HandoffMessage:
    """Keep one message of the chat. `read_token`: the event's markAsReadToken, used when staff read it."""
    message = HandoffMessage(handoff_id=handoff.id, line_user_id=handoff.line_user_id, direction=direction,
                             text=(text or "")[:MAX_TEXT], at=now, staff=staff, kind=kind, extra=extra,
                             read_token=(read_token or None) and read_token[:400])
    session.add(message)
    handoff.last_message_at = now
    if direction == "in":
        handoff.seen_at = None  # something new for staff
    session.flush()
    return message


class ReplyError(ValueError):
    pass


def reply(session: Session, handoff: Handoff, member: Member | None, text: str, staff: str,
          now: datetime) -> HandoffMessage:
    """A staff reply: kept with the chat and queued as a service push (no cap, no quiet hours)."""
    text = (text or "").strip()
    if not text:
        raise ReplyError("a reply needs some text")
    if len(text) > MAX_TEXT:
        raise ReplyError(f"a reply is at most {MAX_TEXT} characters")
    if member is None:
        raise ReplyError("this customer cannot be reached (not a friend of the account)")
    message = keep(session, handoff, text, now, direction="out", staff=staff)
    handoff.seen_at = now
    notices.queue_notice(session, member, "text", "service", {"text_zh": text, "text_en": text},
                         f"handoff_reply:{message.id}", now)
    return message


def hand_back(session: Session, handoff: Handoff, staff: str, now: datetime) -> None:
    """Close the chat; the member is told the bot answers again (a service push, once per chat)."""
    if handoff.closed_at is None:
        _close(session, handoff, staff, now, now, tell=True)


def _close(session: Session, handoff: Handoff, by: str, at: datetime, now: datetime, tell: bool) -> bool:
    """Close the chat as of `at`; with `tell`, queue the member's "the bot is back" (in their language, when
    the outbox sends it). Returns whether it was queued."""
    handoff.closed_at, handoff.closed_by = at, by
    handoff.seen_at = handoff.seen_at or now
    member = session.get(Member, handoff.member_id) if handoff.member_id else None
    if not tell or member is None or not member.line_user_id or member.status == "erased":
        return False
    return notices.queue_notice(session, member, "handoff_ended", "service", {}, f"handoff_ended:{handoff.id}",
                                now) is not None


def close_expired(session: Session, now: datetime, limit: int = 500) -> tuple[int, int]:
    """Close up to `limit` chats whose time ran out with nobody handing them back, as of when it ran out,
    and tell each member the bot is back, as a hand back does (one ran out more than TELL_WITHIN ago is
    closed quietly). Returns (closed, told)."""
    require_aware(now)
    closed = told = 0
    for current in session.scalars(select(Handoff).where(Handoff.closed_at.is_(None), Handoff.until <= now)
                                   .order_by(Handoff.id).limit(limit)).all():
        closed += 1
        told += _close(session, current, EXPIRED, current.until, now, tell=current.until > now - TELL_WITHIN)
    session.flush()
    return closed, told


def mark_seen(handoff: Handoff, now: datetime) -> None:
    handoff.seen_at = now


@dataclass(frozen=True)
class InboxRow:
    handoff: Handoff
    member: Member | None
    last_text: str
    unseen: bool


def inbox(session: Session, now: datetime, limit: int = 100) -> list[InboxRow]:
    """Open chats, the most recently active first."""
    handoffs = list(session.scalars(select(Handoff).where(is_open(now))
                                    .order_by(Handoff.last_message_at.desc()).limit(limit)))
    rows = []
    for h in handoffs:
        last = session.scalar(select(HandoffMessage.text).where(HandoffMessage.handoff_id == h.id)
                              .order_by(HandoffMessage.id.desc()).limit(1))
        member = session.get(Member, h.member_id) if h.member_id else None
        rows.append(InboxRow(h, member, last or "", h.seen_at is None))
    return rows


def new_count(session: Session, now: datetime) -> int:
    """Open chats with something staff have not seen (the console header's count)."""
    return session.scalar(select(func.count()).select_from(Handoff).where(is_open(now), Handoff.seen_at.is_(None)))


def messages(session: Session, handoff: Handoff, limit: int = 50) -> list[HandoffMessage]:
    """The chat's most recent messages, oldest first."""
    rows = list(session.scalars(select(HandoffMessage).where(HandoffMessage.handoff_id == handoff.id)
                                .order_by(HandoffMessage.id.desc()).limit(limit)))
    return rows[::-1]


def sweep_retention(session: Session, now: datetime, retention: timedelta = DEFAULT_RETENTION) -> int:
    """Delete chats (and their messages) closed or expired more than `retention` ago. Returns how many."""
    require_aware(now)
    cutoff = now - retention
    ended = select(Handoff.id).where(or_(Handoff.closed_at < cutoff, (Handoff.closed_at.is_(None))
                                         & (Handoff.until < cutoff)))
    ids = list(session.scalars(ended))
    if ids:
        session.execute(delete(HandoffMessage).where(HandoffMessage.handoff_id.in_(ids)))
        session.execute(delete(Handoff).where(Handoff.id.in_(ids)))
    return len(ids)


def sweep_kept(session: Session, now: datetime, retention: timedelta = DEFAULT_RETENTION) -> str:
    """The retention sweep of kept chat messages and unanswered messages."""
    chats = sweep_retention(session, now, retention)
    missed = misses.sweep_retention(session, now, retention)
    return f"{chats} ended chats and {missed} unanswered messages past retention deleted"


def erase(session: Session, line_user_id: str | None, member_id: int | None = None) -> int:
    """Everything kept of one customer's chats and unanswered messages (their "delete my data").
    Returns the chats removed."""
    if line_user_id:
        misses.erase(session, line_user_id)
    conditions = []
    if line_user_id:
        conditions.append(Handoff.line_user_id == line_user_id)
    if member_id is not None:
        conditions.append(Handoff.member_id == member_id)
    if not conditions:
        return 0
    ids = list(session.scalars(select(Handoff.id).where(or_(*conditions))))
    if ids:
        session.execute(delete(HandoffMessage).where(HandoffMessage.handoff_id.in_(ids)))
        session.execute(delete(Handoff).where(Handoff.id.in_(ids)))
    if line_user_id:
        session.execute(delete(HandoffMessage).where(HandoffMessage.line_user_id == line_user_id))
    return len(ids)
