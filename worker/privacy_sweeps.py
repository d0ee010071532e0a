"""Personal data's timed work, as sweeps for worker/jobs.py's registry: `function(rt, now)`."""
from __future__ import annotations

from privacy import retention


def inbox_retention(rt, now):
    """Delete finished webhook events older than INBOX_RETENTION_DAYS, a batch per transaction."""
    total = 0
    while True:
        deleted = rt.db.run(lambda session: retention.purge_batch(session, now, rt.config.INBOX_RETENTION_DAYS),
                            write=True)
        total += deleted
        if deleted < retention.BATCH:
            return f"deleted {total} webhook events"
