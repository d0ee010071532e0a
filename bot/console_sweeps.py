"""The timed work behind console features, as sweeps for bot/jobs.py's registry: `function(rt, now)`."""
from __future__ import annotations

from content import rfm


def rfm_scores(rt, now):
    """Nightly: score every member's RFM (once per local day; a second run changes nothing)."""
    with rt.db.session() as session:
        return rfm.score_if_due(session, now)
