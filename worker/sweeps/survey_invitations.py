""""How was it?" some hours after a store order, days after an online one (messaging/surveys.py)."""
from __future__ import annotations

from core.sweep_batches import walk
from messaging import surveys


def run(rt, now) -> str:
    _looked, invited = walk(rt.db, lambda session, after: surveys.invite_batch(
        session, now, rt.settings, after_id=after))
    return f"invited {invited}"
