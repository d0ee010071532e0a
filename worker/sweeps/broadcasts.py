"""Broadcasts whose time has come go into the outbox: one row per recipient (messaging/broadcasts.py).

One INSERT ... SELECT straight from the audience query and one unit of work per range of member
ids: a crash mid-way is finished by the next run, and the dedup keys write nobody twice. A range
whose statement fails is split down to the member that fails it, who is skipped (core/sweep_batches.py).
"""
from __future__ import annotations

from core.sweep_batches import Skips, split_span
from messaging import broadcasts

QUEUE_SPAN = 20000  # member ids per INSERT ... SELECT (one transaction each)


def run(rt, now) -> str:
    due = rt.db.run(lambda session: broadcasts.claim_due(session, now), write=True)
    low, high = rt.db.run(broadcasts.member_id_span)
    tiers = tuple(t.code for t in rt.settings.tiers)
    done = []
    skips = Skips("broadcasts")
    for broadcast_id in due:
        rt.db.run(lambda session, broadcast_id=broadcast_id: broadcasts.plan_split(session, broadcast_id, now, tiers),
                  write=True)
        def queue(session, after, upto, broadcast_id=broadcast_id):
            return broadcasts.queue_range(session, broadcast_id, after, upto, now, tiers,
                                          link_base=rt.config.BOT_PUBLIC_URL)
        written = sum(split_span(rt.db, queue, after, after + QUEUE_SPAN, skips)
                      for after in range(low - 1, high, QUEUE_SPAN))
        rt.db.run(lambda session, broadcast_id=broadcast_id: broadcasts.finish(session, broadcast_id, now), write=True)
        done.append(f"#{broadcast_id}: {written} messages")
    return ("queued " + "; ".join(done) if done else "nothing due") + skips.note()
