"""A month before the yearly tier review, what keeps each member's tier (messaging/tier_keep.py)."""
from __future__ import annotations

from core.sweep_batches import skipped_note, walk
from messaging import tier_keep


def run(rt, now) -> str:
    review = tier_keep.review_ahead(now, rt.settings)
    if review is None:
        return "not the month before the tier review"
    if rt.db.run(lambda session: tier_keep.warnings_done(session, review)):
        return "already done"
    walked = walk(rt.db, lambda session, after, limit: tier_keep.warning_batch(
        session, now, rt.settings, after_id=after, limit=limit), "tier-keep-warnings")
    rt.db.run(lambda session: tier_keep.mark_done(session, review, walked.done, now), write=True)
    return f"queued {walked.done} notices" + skipped_note(walked.skipped)
