"""The worker's heartbeat: every few seconds one row says it is alive, with its counters (sweep runs and
failures, LINE calls) and this month's LINE quota used (asked of LINE at most every QUOTA_EVERY).

/healthz reads the newest beat (a platform restarts a worker whose beat is stale) and /metrics the counters.
"""
from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from core import metrics
from core.logs import describe_error
from core.models import WorkerHeartbeat
from core.runtime import Runtime

log = logging.getLogger(__name__)
EVERY_SECONDS = 15
QUOTA_EVERY = timedelta(minutes=5)
FORGET_AFTER = timedelta(days=1)


class Heartbeat:
    def __init__(self, started_at: datetime, worker_id: str | None = None):
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}"[:120]
        self.started_at = started_at
        self._quota: int | None = None
        self._quota_at: datetime | None = None

    def _quota_used(self, rt: Runtime, now: datetime) -> int | None:
        if self._quota_at is None or now - self._quota_at >= QUOTA_EVERY:
            self._quota_at = now
            try:
                self._quota = rt.line.quota_used()
            except Exception as exc:  # noqa: BLE001 - the beat itself matters more than the figure
                log.warning("LINE quota not read: %s", describe_error(exc))
        return self._quota

    def beat(self, rt: Runtime) -> None:
        now = rt.clock.now()
        stats = {"tallies": metrics.worker_tallies(), "quota_used": self._quota_used(rt, now)}

        def record(session) -> None:
            row = session.get(WorkerHeartbeat, self.worker_id)
            if row is None:
                session.add(WorkerHeartbeat(worker_id=self.worker_id, started_at=self.started_at, beat_at=now,
                                            stats=stats))
            else:
                row.beat_at, row.stats = now, stats
            session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < now - FORGET_AFTER))

        # it reads, then writes: on SQLite a unit begun by reading cannot write once another writer (the
        # outbox drain, a web request) has committed since ("database is locked" at once, whatever the
        # busy timeout), so it takes the write lock up front and is run again on a transient conflict
        rt.db.run(record, write=True)


_this_process: Heartbeat | None = None


def run(rt: Runtime, now: datetime) -> str:
    """The sweep: this worker process's beat (the first one starts its record)."""
    global _this_process
    if _this_process is None:
        _this_process = Heartbeat(now)
    _this_process.beat(rt)
    return "alive"


def latest(session) -> WorkerHeartbeat | None:
    return session.scalar(select(WorkerHeartbeat).order_by(WorkerHeartbeat.beat_at.desc()).limit(1))


def recent(session, now: datetime, within: timedelta) -> list[WorkerHeartbeat]:
    return list(session.scalars(select(WorkerHeartbeat).where(WorkerHeartbeat.beat_at >= now - within)))
