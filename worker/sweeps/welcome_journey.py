"""The welcome journey's due steps go into the outbox (messaging/journey.py); steps still waiting for
members who left are stopped first."""
from __future__ import annotations

from messaging import journey


def run(rt, now) -> str:
    stopped = rt.db.run(journey.stop_for_leavers, write=True)
    queued = rt.db.run(lambda session: journey.queue_due(session, now), write=True)
    return f"queued {queued} journey steps, stopped {stopped} for members who left"
