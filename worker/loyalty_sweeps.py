"""The loyalty programme's timed work, as sweeps for bot/jobs.py's registry: `function(rt, now)`."""
from __future__ import annotations

from rewards import expiry, tiers


def tier_review(rt, now):
    """The yearly tier review; it acts only in the review month, once (rewards/tiers.py)."""
    summary = rt.db.run(lambda session: tiers.yearly_review(session, now, rt.settings), write=True)
    if not summary.ran:
        return summary.note
    return f"reviewed {summary.reviewed}: up {summary.upgraded}, down {summary.downgraded}"


def points_expiry(rt, now):
    written = rt.db.run(lambda session: expiry.expire_points(session, now, rt.settings), write=True)
    return f"expired {written} lots"
