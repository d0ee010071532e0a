"""1:1 chat with any member, begun by staff from the member's page (or the survey follow-up queue).

It is a handoff (messaging/handoff.py) opened by staff: while it is open the bot keeps quiet on the
member's free text and keeps it here; staff send text, canned replies, stickers and images, each a
service push through the outbox (it counts against LINE's monthly quota), write notes that are
never sent, and give the chat to a person. Handing it back tells the member the bot answers again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.field_errors import FieldErrors
from rewards import notices
from rewards.models import Member, Outbox
from rewards.outbox_state import FROM_, STATE
from core.timeutil import require_aware

from . import handoff
from .models import CannedReply, Handoff, HandoffMessage

HISTORY = 100
MAX_TITLE = 80
MAX_URL = 2000  # LINE's limit on an image message's addresses
_DIGITS = re.compile(r"^[0-9]{1,20}$")


class ChatError(ValueError):
    """The member cannot be written to, or what staff sent does not pass; `str()` says why."""


def reachable(member: Member | None) -> Member:
    if member is None or not member.line_user_id or member.status == "erased":
        raise ChatError("this customer cannot be reached (not a friend of the account)")
    return member


def begin(session: Session, member: Member, staff: str, now: datetime, length: timedelta) -> Handoff:
    """The member's open chat, or a new one begun by `staff` (assigned to them) for `length`."""
    require_aware(now)
    reachable(member)
    current = handoff.open_for(session, member.line_user_id, now)
    if current is not None:
        current.until = max(current.until, now + length)
        return current
    current, _new = handoff.start(session, member.line_user_id, member, now, length)
    current.opened_by = current.assigned_to = staff
    current.seen_at = now
    return current


def history(session: Session, member: Member, limit: int = HISTORY) -> list[HandoffMessage]:
    """Every kept message of the member's chats (all of them, not only the open one), oldest first."""
    conditions = [Handoff.member_id == member.id]
    if member.line_user_id:
        conditions.append(Handoff.line_user_id == member.line_user_id)
    rows = list(session.scalars(select(HandoffMessage).join(Handoff, Handoff.id == HandoffMessage.handoff_id)
                                .where(or_(*conditions)).order_by(HandoffMessage.id.desc()).limit(limit)))
    return rows[::-1]


def open_chat(session: Session, member: Member, now: datetime) -> Handoff | None:
    return handoff.open_for(session, member.line_user_id, now) if member.line_user_id else None


# -- what staff send: each one a service push through the outbox, kept with the chat
def send_text(session: Session, chat: Handoff, member: Member, text: str, staff: str, now: datetime) -> HandoffMessage:
    try:
        return handoff.reply(session, chat, reachable(member), text, staff, now)
    except handoff.ReplyError as exc:
        raise ChatError(str(exc)) from None


def send_sticker(session: Session, chat: Handoff, member: Member, package_id: str, sticker_id: str, staff: str,
                 now: datetime) -> HandoffMessage:
    package_id, sticker_id = (package_id or "").strip(), (sticker_id or "").strip()
    if not (_DIGITS.match(package_id) and _DIGITS.match(sticker_id)):
        raise ChatError("choose a sticker (a package id and a sticker id, in digits)")
    extra = {"package_id": package_id, "sticker_id": sticker_id}
    return _send(session, chat, reachable(member), "sticker", f"[sticker {package_id}/{sticker_id}]", extra, staff, now)


def send_image(session: Session, chat: Handoff, member: Member, url: str, staff: str, now: datetime) -> HandoffMessage:
    url = (url or "").strip()
    if not url.startswith("https://") or len(url) > MAX_URL or any(c.isspace() for c in url):
        raise ChatError(f"an image is an https:// address of at most {MAX_URL} characters")
    return _send(session, chat, reachable(member), "image", "[image]", {"url": url}, staff, now)


def _send(session, chat, member, kind, text, extra, staff, now) -> HandoffMessage:
    message = handoff.keep(session, chat, text, now, direction="out", staff=staff, kind=kind, extra=extra)
    chat.seen_at = now
    notices.queue_notice(session, member, "staff_" + kind, "service", extra, f"handoff_reply:{message.id}", now)
    return message


def note(session: Session, chat: Handoff, text: str, staff: str, now: datetime) -> HandoffMessage:
    """Staff's own remark on the chat, for the next person: never sent."""
    text = (text or "").strip()
    if not text:
        raise ChatError("a note needs some text")
    if len(text) > handoff.MAX_TEXT:
        raise ChatError(f"a note is at most {handoff.MAX_TEXT} characters")
    message = handoff.keep(session, chat, text, now, direction="out", staff=staff, kind="note")
    chat.seen_at = now
    return message


def assign(chat: Handoff, staff_email: str | None, known: set[str]) -> None:
    """Give the chat to a staff member (one of `known`), or to nobody."""
    staff_email = (staff_email or "").strip() or None
    if staff_email is not None and staff_email not in known:
        raise ChatError("choose a staff member of the console")
    chat.assigned_to = staff_email


# -- what each reply costs, and what became of it
@dataclass(frozen=True)
class Delivery:
    status: str  # pending, sent, held, skipped, failed ... (the outbox row's), or "" for a note / incoming
    pushes: int  # messages counted against LINE's monthly quota


def deliveries(session: Session, messages: list[HandoffMessage]) -> dict[int, Delivery]:
    """For each sent staff message: its outbox row's status and its cost (one push each)."""
    keys = {f"handoff_reply:{m.id}": m.id for m in messages if m.direction == "out" and m.kind != "note"}
    found = dict(session.execute(select(Outbox.dedup_key, STATE.status).select_from(FROM_)
                                .where(Outbox.dedup_key.in_(keys))).all()) \
        if keys else {}
    return {message_id: Delivery(found.get(key, "missing"), 1) for key, message_id in keys.items()}


# -- LINE's "read" marks
def unread_token(session: Session, chat: Handoff) -> str | None:
    """The newest markAsReadToken not used yet: marking it read marks every earlier message too."""
    return session.scalar(select(HandoffMessage.read_token)
                          .where(HandoffMessage.handoff_id == chat.id, HandoffMessage.direction == "in",
                                 HandoffMessage.read_token.is_not(None))
                          .order_by(HandoffMessage.id.desc()).limit(1))


def marked_read(session: Session, chat: Handoff, now: datetime) -> None:
    """LINE took the token: the chat's tokens are spent."""
    for message in session.scalars(select(HandoffMessage).where(HandoffMessage.handoff_id == chat.id,
                                                               HandoffMessage.read_token.is_not(None))):
        message.read_token = None
    chat.read_at = now


# -- canned replies
def canned(session: Session) -> list[CannedReply]:
    return list(session.scalars(select(CannedReply).order_by(CannedReply.title, CannedReply.id)))


def add_canned(session: Session, title: str, text: str, staff: str, now: datetime) -> CannedReply:
    title, text = (title or "").strip(), (text or "").strip()
    problems: dict[str, str] = {}
    if not title or len(title) > MAX_TITLE:
        problems["title"] = f"a canned reply needs a title of at most {MAX_TITLE} characters"
    if not text or len(text) > handoff.MAX_TEXT:
        problems["text"] = f"a canned reply needs a text of at most {handoff.MAX_TEXT} characters"
    if problems:
        raise FieldErrors(problems)
    reply = CannedReply(title=title, text=text, created_by=staff, created_at=now)
    session.add(reply)
    session.flush()
    return reply


def remove_canned(session: Session, reply_id: int) -> bool:
    reply = session.get(CannedReply, reply_id)
    if reply is None:
        return False
    session.delete(reply)
    session.flush()
    return True
