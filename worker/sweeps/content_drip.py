"""At the drip moment of the week, one fitting content item per subscribed member (messaging/drip.py)."""
from __future__ import annotations

from core.sweep_batches import skipped_note, walk
from messaging import drip


def run(rt, now) -> str:
    if drip.due_moment(now, rt.settings) is None:
        return "not drip time"
    walked = walk(rt.db, lambda session, after, limit: drip.drip_batch(
        session, now, rt.settings, after_id=after, limit=limit), "content-drip")
    return f"queued {walked.done} items for {walked.looked} members" + skipped_note(walked.skipped)
