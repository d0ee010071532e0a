"""Nightly: every member's RFM score, once per local day (insights/rfm.py)."""
from __future__ import annotations

from insights import rfm


def run(rt, now) -> str:
    return rt.db.run(lambda session: rfm.score_if_due(session, now), write=True)
