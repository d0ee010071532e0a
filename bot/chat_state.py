"""Who is writing and where their chat stands, read in ONE statement as an event is processed: the
member, whether staff have the chat (an open handoff), and what the bot waits for from them (the
conversation state). The dispatcher's filters ask these of every text message; they read them from
the Context (`in_handoff`, `waiting_for`), and ask the database only for a Context built without them.

On PostgreSQL, where an event is claimed in its own unit of work, the claim and this read are one
statement too (`claim_and_read`: the claim's UPDATE in a WITH, the user's the event's conversation
key): a round trip less on every event.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, bindparam, exists, select
from sqlalchemy.orm import Session

from . import inbox
from core import conversation
from core.models import ConversationState
from messaging import handoff
from messaging.models import Handoff
from rewards.models import Member


@dataclass(frozen=True)
class Chat:
    member: Member | None
    in_handoff: bool
    state: ConversationState | None  # unexpired


def _read_statement():
    """Built once: one row for the user id whether or not it is a member, has a state or a handoff."""
    who = select(bindparam("user_id", type_=String).label("user_id")).subquery("who")
    open_handoff = exists().where(Handoff.line_user_id == who.c.user_id, handoff.is_open(bindparam("now")))
    return (select(Member, ConversationState, open_handoff.label("in_handoff"))
            .select_from(who)
            .outerjoin(Member, Member.line_user_id == who.c.user_id)
            .outerjoin(ConversationState, ConversationState.line_user_id == who.c.user_id))


READ = _read_statement()


def _claim_and_read_statement():
    """Built once (PostgreSQL: an UPDATE ... RETURNING in a WITH): the claim (`inbox.claim_payload`)
    and what `read` reads for the event's conversation key, which is its user id whenever the event
    names a user (`bot.events.conversation_key`; the payload is not looked into: PostgreSQL refuses to
    take a text out of a JSON document holding a NUL escape); no row when not claimed."""
    claimed = inbox.CLAIM_RETURNING.cte("claimed")
    user_id = claimed.c.user_key
    open_handoff = exists().where(Handoff.line_user_id == user_id, handoff.is_open(bindparam("now")))
    return (select(claimed.c.payload, claimed.c.user_key, claimed.c.received_at,
                   Member, ConversationState, open_handoff.label("in_handoff"))
            .select_from(claimed)
            .outerjoin(Member, Member.line_user_id == user_id)
            .outerjoin(ConversationState, ConversationState.line_user_id == user_id))


CLAIM_AND_READ = _claim_and_read_statement()


def claim_and_read(session: Session, event_id: int, now: datetime) -> tuple[tuple, Chat] | None:
    """Claim the event (`inbox.claim_payload`) and read the chat of its conversation key as a user
    (`read`) in one statement (PostgreSQL): its (payload, user_key, received_at) and that Chat, which
    is the event's user's when its user id is its key (for an event without a user id the key is a
    group's or room's, and the Chat nobody's); None when not taken."""
    row = session.execute(CLAIM_AND_READ, {"event_id": event_id, "now": now,
                                           "stale_before": now - inbox.LEASE}).first()
    if row is None:
        return None
    payload, user_key, received_at, member, state, in_handoff = row
    return (payload, user_key, received_at), Chat(member, bool(in_handoff), conversation.current(state, now))


def read(session: Session, user_id: str, now: datetime) -> Chat:
    member, state, in_handoff = session.execute(READ, {"user_id": user_id, "now": now}).one()
    return Chat(member, bool(in_handoff), conversation.current(state, now))


def in_handoff(ctx) -> bool:
    """Staff have this user's chat (`ctx` is a bot.dispatch.Context)."""
    if ctx.chat is not None:
        return ctx.chat.in_handoff
    return handoff.open_for(ctx.session, ctx.event.user_id, ctx.now) is not None


def waiting_for(ctx) -> ConversationState | None:
    """What the bot waits for from this user, if anything."""
    if ctx.chat is not None:
        return ctx.chat.state
    return conversation.get(ctx.session, ctx.event.user_id, ctx.now)
