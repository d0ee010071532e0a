"""A reminder for a regular later than usual for their next purchase (messaging/repurchase.py)."""
from __future__ import annotations

from core.sweep_batches import walk
from messaging import repurchase


def run(rt, now) -> str:
    looked, queued = walk(rt.db, lambda session, after: repurchase.reminder_batch(
        session, now, rt.settings, after_id=after))
    return f"queued {queued} reminders ({looked} regulars looked at)"
