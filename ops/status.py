"""What an operator asks of a running bot, read from the database: the worker's last heartbeat and the outbox."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from core.models import WorkerHeartbeat
from rewards.models import Outbox
from rewards.outbox_state import FROM_, STATE, unclaimed
from worker.heartbeat import EVERY_SECONDS, latest, recent

# a worker whose last beat is older than this is taken for dead (or stuck)
WORKER_STALE_AFTER = timedelta(seconds=EVERY_SECONDS * 6)
# a due outbox row waiting longer than this means sending is stuck
OUTBOX_STUCK_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class WorkerStatus:
    last_beat: datetime | None
    seconds_ago: float | None

    @property
    def alive(self) -> bool:
        return self.seconds_ago is not None and self.seconds_ago <= WORKER_STALE_AFTER.total_seconds()


def worker_status(session, now: datetime) -> WorkerStatus:
    beat = latest(session)
    if beat is None:
        return WorkerStatus(None, None)
    return WorkerStatus(beat.beat_at, max(0.0, (now - beat.beat_at).total_seconds()))


def oldest_pending_seconds(session, now: datetime) -> float:
    """How long the oldest due pending outbox row has been waiting (0 when none is)."""
    # (a message in a batch waiting for a retry is the batch's, counted by its state below)
    oldest = session.scalar(select(func.min(Outbox.not_before)).where(Outbox.status == "pending",
                                                                      Outbox.not_before <= now, unclaimed()))
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


def outbox_by_status(session) -> dict[str, int]:
    return dict(session.execute(select(STATE.status, func.count()).select_from(FROM_).group_by(STATE.status)).all())


def worker_stats(session, now: datetime) -> list[WorkerHeartbeat]:
    """The heartbeats of the workers alive in the last day (their counters since they started)."""
    return recent(session, now, timedelta(days=1))
