"""At the drip moment of the week, one fitting content item per subscribed member (messaging/drip.py)."""
from __future__ import annotations

from core.sweep_batches import walk
from messaging import drip


def run(rt, now) -> str:
    if drip.due_moment(now, rt.settings) is None:
        return "not drip time"
    looked, queued = walk(rt.db, lambda session, after: drip.drip_batch(session, now, rt.settings, after_id=after))
    return f"queued {queued} items for {looked} members"
