""""How was it?" some hours after a store order, days after an online one (messaging/surveys.py)."""
from __future__ import annotations

from core.sweep_batches import skipped_note, walk
from messaging import surveys


def run(rt, now) -> str:
    walked = walk(rt.db, lambda session, after, limit: surveys.invite_batch(
        session, now, rt.settings, after_id=after, limit=limit), "survey-invitations")
    return f"invited {walked.done}" + skipped_note(walked.skipped)
