"""How a sweep walks a big table: in batches by id, each batch its own unit of work.

The domain's batch functions take `after_id` and `limit` and return a `Batch`; `walk` runs one per
unit of work (so a crash keeps what was done and locks are short), going on from `last_id` while
`more` is true. The worker's sweeps (worker/sweeps/) walk this way.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy.orm import Session

BATCH_SIZE = 1000


@dataclass(frozen=True)
class Batch:
    looked_at: int  # rows read in this batch
    done: int  # rows written (coupons issued, messages queued, ...)
    last_id: int  # go on after this id
    more: bool  # a full batch was read: there may be more after last_id

    @classmethod
    def of(cls, ids: list[int], done: int, limit: int, after_id: int) -> "Batch":
        return cls(len(ids), done, ids[-1] if ids else after_id, len(ids) >= limit)


def walk(db, batch: Callable[[Session, int], Batch]) -> tuple[int, int]:
    """Run `batch(session, after_id)` a unit of work (`db.run`, write) at a time until it is through;
    returns (rows looked at, rows written). Batches are idempotent, so a retried one writes nothing twice."""
    after, looked, done = 0, 0, 0
    while True:
        result = db.run(lambda session, after=after: batch(session, after), write=True)
        looked, done, after = looked + result.looked_at, done + result.done, result.last_id
        if not result.more:
            return looked, done
