"""Nightly: the dashboard's pre-aggregation, a cache (the numbers are exact without it; insights/rollups.py)."""
from __future__ import annotations

from insights import rollups


def run(rt, now) -> str:
    return rt.db.run(lambda session: rollups.rebuild_if_due(session, now, rt.clock.tz), write=True)
