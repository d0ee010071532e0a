"""Chats handed to staff whose time ran out with nobody handing them back: closed, and the member told the
bot is back through the outbox, as a hand back does (messaging/handoff.py close_expired)."""
from __future__ import annotations

from messaging import handoff

BATCH = 500


def run(rt, now) -> str:
    """A batch per transaction until none is left."""
    closed = told = 0
    while True:
        n, t = rt.db.run(lambda session: handoff.close_expired(session, now, BATCH), write=True)
        closed, told = closed + n, told + t
        if n < BATCH:
            return f"closed {closed} expired chats, told {told} members the bot is back"
