"""From 09:00 on the 1st, this month's birthday coupons and their pushes (messaging/birthday.py)."""
from __future__ import annotations

from bot.texts import coupon_titles
from core.sweep_batches import skipped_note, walk
from messaging import birthday


def run(rt, now) -> str:
    start = birthday.send_from(now, rt.settings)
    if now < start:
        return f"not before {start:%H:%M} on the 1st"
    walked = walk(rt.db, lambda session, after, limit: birthday.sweep_batch(
        session, now, rt.settings, coupon_titles, after_id=after, limit=limit), "birthday-coupons",
        limit=birthday.SWEEP_BATCH)
    return f"issued {walked.done} birthday coupons" + skipped_note(walked.skipped)
