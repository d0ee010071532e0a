"""Points past their expiry date leave the balance (rewards/expiry.py)."""
from __future__ import annotations

from core.sweep_batches import whole_or_row_by_row
from rewards import expiry


def run(rt, now) -> str:
    written, skips = whole_or_row_by_row(rt.db, lambda session, skips: expiry.expire_points(
        session, now, rt.settings, skips=skips), "points-expiry")
    return f"expired {written} lots" + skips.note()
