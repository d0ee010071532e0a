"""Several batches in flight at once: a small pool of threads, each calling LINE for one batch and
then settling it in a unit of work of its own, while the sender's thread claims the next rows.

Each batch is settled by the sender that claimed it, under its lease (the writes name the claim).
The first batch of a drain goes alone: if LINE answers it with a rate limit or the monthly limit,
nothing else was sent meanwhile. Two batches sharing a recipient never fly together (and the claim
takes only the first of a member's messages still to send: bot/outbox/claims.py), so one member's
messages arrive in the order they were queued.
"""
from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime
from typing import Callable, Generic, TypeVar

from .batches import Batch

Landed = TypeVar("Landed")


class BatchesInFlight(Generic[Landed]):
    def __init__(self, send: Callable[[Batch, datetime], tuple[bool, Landed]], size: int):
        """`send(batch, claim)` calls LINE and settles the batch; it answers (LINE accepted it, what
        became of it). What it raises is raised again to the sender's thread."""
        self.send = send
        self.size = size
        self._room = 1  # until LINE has accepted a batch
        self._pool = ThreadPoolExecutor(size, thread_name_prefix="outbox-send")
        self._flying: dict[Future, Batch] = {}

    def __enter__(self) -> "BatchesInFlight[Landed]":
        return self

    def __exit__(self, *exc) -> None:
        self._pool.shutdown(wait=True)

    def make_room(self, batch: Batch) -> list[Landed]:
        """Wait until `batch` may fly: a free place, and no batch to one of its recipients in flight.
        Returns what landed meanwhile, for the caller to see (did LINE say stop?) before it starts."""
        landed = self._collect(block=False)
        members = batch.members
        while len(self._flying) >= self._room or any(not members.isdisjoint(b.members)
                                                      for b in self._flying.values()):
            landed += self._collect(block=True)
        return landed

    @property
    def flying(self) -> bool:
        return bool(self._flying)

    def start(self, batch: Batch, claim: datetime) -> None:
        self._flying[self._pool.submit(self.send, batch, claim)] = batch

    def finish(self) -> list[Landed]:
        """Everything still to land."""
        landed: list[Landed] = []
        while self._flying:
            landed += self._collect(block=True)
        return landed

    def _collect(self, block: bool) -> list[Landed]:
        if not self._flying:
            return []
        done, _ = wait(list(self._flying), timeout=None if block else 0, return_when=FIRST_COMPLETED)
        landed = []
        for future in done:
            del self._flying[future]
            accepted, what = future.result()
            if accepted:
                self._room = self.size
            landed.append(what)
        return landed
