"""How a sweep walks a big table: in batches by id, each batch its own transaction.

The domain's batch functions take `after_id` and `limit` and return a `Batch`; the caller opens a
session per batch (so a crash keeps what was done and locks are short) and goes on from `last_id`
while `more` is true. See bot/engagement_sweeps.py.
"""
from __future__ import annotations

from dataclasses import dataclass

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
