"""Nightly: every member's RFM score, once per local day (insights/rfm.py)."""
from __future__ import annotations

from core.sweep_batches import whole_or_row_by_row
from insights import rfm


def run(rt, now) -> str:
    summary, skips = whole_or_row_by_row(rt.db, lambda session, skips: rfm.score_if_due(session, now, skips),
                                         "rfm-scores")
    return summary + skips.note()
