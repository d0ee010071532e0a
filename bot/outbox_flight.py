"""Several calls to LINE in flight at once, their outcomes handed back to the one thread that
writes the database (so every batch is settled by the sender that claimed it, in its own units).

The first call of a drain goes alone: if LINE answers it with a rate limit or the monthly limit,
nothing else was sent meanwhile. Two batches sharing a recipient never fly together, so one
member's messages arrive in the order they were queued.
"""
from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from .outbox_batches import Batch


@dataclass
class Outcome:
    batch: Batch
    claim: datetime
    error: Exception | None  # None: LINE accepted the call


class CallsInFlight:
    def __init__(self, call: Callable[[Batch], None], size: int):
        """`call(batch)` makes the batch's call to LINE; whatever it raises is the batch's outcome."""
        self.call = call
        self.size = size
        self._room = 1  # until a call has gone through
        self._pool = ThreadPoolExecutor(size, thread_name_prefix="outbox-call")
        self._flying: dict[Future, tuple[Batch, datetime]] = {}

    def __enter__(self) -> "CallsInFlight":
        return self

    def __exit__(self, *exc) -> None:
        self._pool.shutdown(wait=True)

    def make_room(self, batch: Batch) -> list[Outcome]:
        """Wait until `batch` may fly: a free place, and no call to one of its recipients in flight.
        Returns the outcomes that came in meanwhile, for the caller to settle (and to see whether
        LINE said stop) before it starts the call."""
        landed = self._collect(block=False)
        members = batch.members
        while len(self._flying) >= self._room or any(not members.isdisjoint(b.members)
                                                      for b, _ in self._flying.values()):
            landed += self._collect(block=True)
        return landed

    def start(self, batch: Batch, claim: datetime) -> None:
        self._flying[self._pool.submit(self._call, batch)] = (batch, claim)

    def finish(self) -> list[Outcome]:
        """Every outcome still to come."""
        landed: list[Outcome] = []
        while self._flying:
            landed += self._collect(block=True)
        return landed

    def _collect(self, block: bool) -> list[Outcome]:
        if not self._flying:
            return []
        done, _ = wait(list(self._flying), timeout=None if block else 0, return_when=FIRST_COMPLETED)
        landed = []
        for future in done:
            batch, claim = self._flying.pop(future)
            error = future.result()
            if error is None:
                self._room = self.size
            landed.append(Outcome(batch, claim, error))
        return landed

    def _call(self, batch: Batch) -> Exception | None:
        try:
            self.call(batch)
        except Exception as exc:  # noqa: BLE001 - settled by the sender (LINE's answer, or a refused message)
            return exc
        return None
