"""A reminder for a regular later than usual for their next purchase (messaging/repurchase.py)."""
from __future__ import annotations

from core.sweep_batches import skipped_note, walk
from messaging import repurchase


def run(rt, now) -> str:
    walked = walk(rt.db, lambda session, after, limit: repurchase.reminder_batch(
        session, now, rt.settings, after_id=after, limit=limit), "repurchase-reminders")
    return f"queued {walked.done} reminders ({walked.looked} regulars looked at)" + skipped_note(walked.skipped)
