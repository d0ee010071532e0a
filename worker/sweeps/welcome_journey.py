"""The welcome journey's due steps go into the outbox (messaging/journey.py); steps still waiting for
members who left are stopped first."""
from __future__ import annotations

from core.sweep_batches import whole_or_row_by_row
from messaging import journey


def run(rt, now) -> str:
    stopped = rt.db.run(journey.stop_for_leavers, write=True)
    queued, skips = whole_or_row_by_row(rt.db, lambda session, skips: journey.queue_due(
        session, now, skips=skips), "welcome-journey")
    return f"queued {queued} journey steps, stopped {stopped} for members who left" + skips.note()
