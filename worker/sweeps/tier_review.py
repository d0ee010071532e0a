"""The yearly tier review; it acts only in the review month, once (rewards/tiers.py)."""
from __future__ import annotations

from rewards import tiers


def run(rt, now) -> str:
    summary = rt.db.run(lambda session: tiers.yearly_review(session, now, rt.settings), write=True)
    if not summary.ran:
        return summary.note
    return f"reviewed {summary.reviewed}: up {summary.upgraded}, down {summary.downgraded}"
