"""Handed-off chat messages and unanswered messages past their retention are deleted (messaging/handoff.py)."""
from __future__ import annotations

from datetime import timedelta

from messaging import handoff


def run(rt, now) -> str:
    retention = timedelta(days=rt.config.KEPT_MESSAGES_DAYS)
    return rt.db.run(lambda session: handoff.sweep_kept(session, now, retention), write=True)
