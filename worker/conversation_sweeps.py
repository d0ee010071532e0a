"""Sweeps of the conversation beyond the menu: kept chat and unanswered messages past retention."""
from __future__ import annotations

from datetime import timedelta

from messaging import handoff


def kept_messages(rt, now):
    with rt.db.session() as session:
        return handoff.sweep_kept(session, now, timedelta(days=rt.config.KEPT_MESSAGES_DAYS))
