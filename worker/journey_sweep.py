"""The welcome journey's sweep, for worker/jobs.py's registry: `function(rt, now)`."""
from __future__ import annotations

from messaging import journey


def welcome_journey(rt, now):
    """Stop the steps waiting for members who left, then queue every step that is due."""
    with rt.db.session() as session:
        stopped = journey.stop_for_leavers(session)
    with rt.db.session() as session:
        queued = journey.queue_due(session, now)
    return f"queued {queued} journey steps, stopped {stopped} for members who left"
