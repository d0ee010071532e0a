"""The yearly tier review; it acts only in the review month, once (rewards/tiers.py)."""
from __future__ import annotations

from core.sweep_batches import whole_or_row_by_row
from rewards import tiers


def run(rt, now) -> str:
    summary, skips = whole_or_row_by_row(rt.db, lambda session, skips: tiers.yearly_review(
        session, now, rt.settings, skips=skips), "tier-review")
    if not summary.ran:
        return summary.note
    return f"reviewed {summary.reviewed}: up {summary.upgraded}, down {summary.downgraded}" + skips.note()
