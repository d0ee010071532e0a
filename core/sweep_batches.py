"""How a sweep walks a big table: in batches by id, each batch its own unit of work, and a bad row
never stops it.

The domain's batch functions take `after_id` and `limit` and return a `Batch`; `walk` runs one per
unit of work (so a crash keeps what was done and locks are short), going on from `last_id` while
`more` is true. The worker's sweeps (worker/sweeps/) walk this way.

A bad row (an order time out of range, a row a statement refuses, parameters that cannot be
rendered) must not fail a sweep for everyone. The fast path stays set-based: a batch is one
statement or a few. Only when a batch fails is it done again one row at a time, each in its own
unit of work; a row that still fails is logged by id (nothing else: no personal data) and skipped,
and the sweep says how many it skipped. For that the batch function names the rows it read with
`note_candidates`. A sweep whose work is one statement over a span of ids falls back the same way
with `split_span` (halving the span down to the row), and a loop over rows inside one unit of work
with `rewards.tx.isolated` (a savepoint per row). `Skips` counts and logs for all three.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from sqlalchemy.orm import Session

from core.logs import describe_error

BATCH_SIZE = 1000
_CANDIDATES = "sweep_candidates"

log = logging.getLogger("worker.sweeps")


@dataclass(frozen=True)
class Batch:
    looked_at: int  # rows read in this batch
    done: int  # rows written (coupons issued, messages queued, ...)
    last_id: int  # go on after this id
    more: bool  # a full batch was read: there may be more after last_id

    @classmethod
    def of(cls, ids: list[int], done: int, limit: int, after_id: int) -> "Batch":
        return cls(len(ids), done, ids[-1] if ids else after_id, len(ids) >= limit)


@dataclass(frozen=True)
class Walked:
    looked: int
    done: int
    skipped: int


class Skips:
    """The rows a sweep left out because they failed: each logged once, by id only."""

    def __init__(self, sweep: str):
        self.sweep = sweep
        self.count = 0

    def skip(self, row_id, exc: BaseException) -> None:
        self.count += 1
        log.warning("sweep %s: row %s skipped: %s", self.sweep, row_id, describe_error(exc))

    def note(self) -> str:
        return skipped_note(self.count)


def skipped_note(count: int) -> str:
    """A sweep summary's tail: "" when nothing was skipped."""
    return f", skipped {count} bad rows (see the log)" if count else ""


def whole_or_row_by_row(db, work: Callable[[Session, "Skips | None"], object], sweep: str) -> tuple[object, Skips]:
    """A sweep that is one unit of work: `work(session, None)` as it is (the fast path); if that
    fails, `work(session, skips)` again, which does each row in a savepoint of its own
    (`rewards.tx.isolated`) and skips the rows that fail. Returns (what the work returned, the skips)."""
    skips = Skips(sweep)
    try:
        return db.run(lambda session: work(session, None), write=True), skips
    except Exception:  # noqa: BLE001 - done again below, a row at a time; raised there if not a row's fault
        return db.run(lambda session: work(session, skips), write=True), skips


def note_candidates(session: Session, ids: list[int]) -> None:
    """Name the rows (ids, in order) a batch read: if the batch fails, `walk` does them one by one."""
    noted = session.info.get(_CANDIDATES)
    if noted is not None:
        noted[:] = ids


def _run_noting(db, batch: Callable[[Session, int, int], Batch], after: int, limit: int, noted: list[int]) -> Batch:
    def work(session: Session) -> Batch:
        noted.clear()
        session.info[_CANDIDATES] = noted
        try:
            return batch(session, after, limit)
        finally:
            session.info.pop(_CANDIDATES, None)
    return db.run(work, write=True)


def walk(db, batch: Callable[[Session, int, int], Batch], sweep: str, limit: int = BATCH_SIZE) -> Walked:
    """Run `batch(session, after_id, limit)` a unit of work (`db.run`, write) at a time until it is
    through. Batches are idempotent, so a retried one writes nothing twice. A failed batch is done
    again row by row (`batch(session, id - 1, 1)` for each id it noted); rows that fail alone are
    skipped. A batch that failed before naming its rows fails the sweep, as before."""
    after, looked, done = 0, 0, 0
    skips = Skips(sweep)
    noted: list[int] = []
    while True:
        try:
            result = _run_noting(db, batch, after, limit, noted)
        except Exception:
            if not noted:
                raise
            result = _one_by_one(db, batch, list(noted), limit, skips)
        looked, done, after = looked + result.looked_at, done + result.done, result.last_id
        if not result.more:
            return Walked(looked, done, skips.count)


def _one_by_one(db, batch: Callable[[Session, int, int], Batch], ids: list[int], limit: int, skips: Skips) -> Batch:
    done, failed = 0, []
    for row_id in ids:
        try:
            done += _run_noting(db, batch, row_id - 1, 1, []).done
        except Exception as exc:  # noqa: BLE001 - the row is the problem: log it, skip it, go on
            failed.append((row_id, exc))
    if len(failed) == len(ids) > 1:
        raise failed[-1][1]  # every row fails: the sweep is broken, not a row
    for row_id, exc in failed:
        skips.skip(row_id, exc)
    return Batch(len(ids), done, ids[-1], len(ids) >= limit)


def split_span(db, work: Callable[[Session, int, int], int], after: int, upto: int, skips: Skips) -> int:
    """`work(session, after, upto)` over the ids in (after, upto] as one unit of work. If it fails
    while the same work over no ids passes (so a row is the problem), the two halves are done again,
    down to single ids, which are skipped if they still fail. Returns what the work returned, added up."""
    try:
        return db.run(lambda session: work(session, after, upto), write=True)
    except Exception:
        db.run(lambda session: work(session, upto, upto), write=True)  # raises if not a row's fault
    return _halves(db, work, after, upto, skips)


def _halves(db, work: Callable[[Session, int, int], int], after: int, upto: int, skips: Skips) -> int:
    if upto - after <= 1:
        try:
            return db.run(lambda session: work(session, after, upto), write=True)
        except Exception as exc:  # noqa: BLE001 - the row is the problem: log it, skip it, go on
            skips.skip(upto, exc)
            return 0
    middle = (after + upto) // 2
    return sum(_span_or_halves(db, work, lo, hi, skips) for lo, hi in ((after, middle), (middle, upto)))


def _span_or_halves(db, work: Callable[[Session, int, int], int], after: int, upto: int, skips: Skips) -> int:
    try:
        return db.run(lambda session: work(session, after, upto), write=True)
    except Exception:  # noqa: BLE001 - the bad row is in here: halve again
        return _halves(db, work, after, upto, skips)
