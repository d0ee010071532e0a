"""Broadcasts whose time has come go into the outbox: one row per recipient (messaging/broadcasts.py).

A unit of work per chunk of recipients: a crash mid-way is finished by the next run, and the dedup
keys write nobody twice.
"""
from __future__ import annotations

from messaging import broadcasts
from messaging.models import Broadcast

QUEUE_CHUNK = 500


def run(rt, now) -> str:
    due = rt.db.run(lambda session: broadcasts.claim_due(session, now), write=True)
    tiers = tuple(t.code for t in rt.settings.tiers)
    done = []
    for broadcast_id in due:
        def audience(session, broadcast_id=broadcast_id):
            b = session.get(Broadcast, broadcast_id)
            return broadcasts.recipients(session, broadcasts.audience_filter(session, b, tiers), now)

        member_ids = rt.db.run(audience)
        written = 0
        for i in range(0, len(member_ids), QUEUE_CHUNK):
            chunk = member_ids[i:i + QUEUE_CHUNK]
            written += rt.db.run(lambda session, broadcast_id=broadcast_id, chunk=chunk: broadcasts.queue_chunk(
                session, broadcast_id, chunk, now, link_base=rt.config.BOT_PUBLIC_URL), write=True)
        rt.db.run(lambda session, broadcast_id=broadcast_id: broadcasts.finish(session, broadcast_id, now), write=True)
        done.append(f"#{broadcast_id}: {written} messages")
    return "queued " + "; ".join(done) if done else "nothing due"
