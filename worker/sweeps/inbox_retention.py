"""Finished webhook events older than INBOX_RETENTION_DAYS are deleted (privacy/retention.py)."""
from __future__ import annotations

from privacy import retention


def run(rt, now) -> str:
    """A batch per transaction until none is left."""
    total = 0
    while True:
        deleted = rt.db.run(lambda session: retention.purge_batch(session, now, rt.config.INBOX_RETENTION_DAYS),
                            write=True)
        total += deleted
        if deleted < retention.BATCH:
            return f"deleted {total} webhook events"
