"""Grouping outbox rows into LINE calls: rows whose rendered messages (and aggregation unit) are
identical share a multicast.

Pure functions, no database and no LINE. A batch of one row goes as a push, a larger one as a
multicast of at most 500 distinct recipients (a member with two identical rows gets them in two
batches, so nobody is left out of a multicast by LINE's de-duplication).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

MULTICAST_LIMIT = 500


class Item(NamedTuple):  # (a claim makes thousands: the cheapest to build)
    row_id: int
    user_id: str
    messages: list[dict]
    key: str | None = None  # message_key(messages), when the caller has it already
    unit: str | None = None  # LINE's aggregation unit (a broadcast's, bot/aggregation_units.py)


@dataclass
class Batch:
    row_ids: list[int]
    user_ids: list[str]
    messages: list[dict]
    unit: str | None = None  # sent as customAggregationUnits: LINE counts opens and clicks per unit
    # given when the batch is recorded (its outbox_batches row), or read back for a retry
    id: int | None = None
    retry_key: str | None = None
    first_attempt_at: datetime | None = None
    attempts: int = 0  # this one included
    # decided once, at the first attempt, and kept for every retry under the same key
    multicast: bool = False
    _members: set = field(default_factory=set, repr=False)

    @property
    def size(self) -> int:
        return len(self.row_ids)

    @property
    def members(self) -> set:
        return self._members or set(self.user_ids)


def message_key(messages: list[dict]) -> str:
    return json.dumps(messages, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def group_identical(items: list[Item], limit: int = MULTICAST_LIMIT) -> list[Batch]:
    """Batches in the order their first row came (so one member's notices keep their order)."""
    groups: dict[tuple, list] = {}  # (unit, message key) -> [index of the first batch with room, its batches]
    ordered: list[Batch] = []
    for item in items:
        group = groups.get((item.unit, item.key or message_key(item.messages)))
        if group is None:
            group = groups[(item.unit, item.key or message_key(item.messages))] = [0, []]
        first, chunks = group
        while first < len(chunks) and len(chunks[first].row_ids) >= limit:
            first += 1
        group[0] = first
        # the first batch with room, unless the member is in it already: then the first without them
        target = chunks[first] if first < len(chunks) else None
        if target is not None and item.user_id in target._members:
            target = next((b for b in chunks[first:] if len(b.row_ids) < limit and item.user_id not in b._members),
                          None)
        if target is None:
            target = Batch(row_ids=[], user_ids=[], messages=item.messages, unit=item.unit)
            chunks.append(target)
            ordered.append(target)
        target.row_ids.append(item.row_id)
        target.user_ids.append(item.user_id)
        target._members.add(item.user_id)
    for batch in ordered:
        batch.multicast = len(batch.row_ids) > 1
    return ordered
