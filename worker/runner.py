"""Running sweeps: one at a time (a failure is reported, never raised), or all of them as of an instant.

`run_due(app, at)` runs every sweep of the table once as if it were `at` (a clock fixed there), the
outbox drain last: for catching up after downtime, for `flask --app app jobs run-due --at ...`, and
for tests.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator

from flask import Flask
from sqlalchemy import text

from core.clock import FixedClock
from core.logs import describe_error
from core.runtime import Runtime, runtime
from worker import schedule
from worker.schedule import OUTBOX, Sweep

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    name: str
    ok: bool
    summary: str

    def __str__(self) -> str:
        return f"{self.name}: {self.summary}" if self.ok else f"{self.name}: FAILED {self.summary}"


ELSEWHERE = "running in another worker: skipped"


def _lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a sweep's name."""
    return int.from_bytes(hashlib.blake2b(f"sweep:{name}".encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def once_across_workers(rt: Runtime, name: str) -> Iterator[bool]:
    """Hold the sweep's cross-process lock while the block runs; yields False (run nothing) when
    another process holds it. PostgreSQL: a session advisory lock on a connection of its own, so it
    goes when that process dies; SQLite (one machine, one worker): always True."""
    if not rt.db.is_postgres:
        yield True
        return
    key = _lock_key(name)
    with rt.db.engine.connect() as conn:
        got = conn.execute(text("select pg_try_advisory_lock(:key)"), {"key": key}).scalar()
        conn.commit()
        try:
            yield bool(got)
        finally:
            if got:
                conn.execute(text("select pg_advisory_unlock(:key)"), {"key": key})
                conn.commit()


def run_one(sweep: Sweep, rt: Runtime, now: datetime) -> SweepResult:
    """Run one sweep. Each sweep runs once at a time across all workers; the outbox drain takes no
    lock: its senders claim rows with SKIP LOCKED and scale out."""
    try:
        if sweep.name == OUTBOX:
            result = sweep.run(rt, now)
        else:
            with once_across_workers(rt, sweep.name) as mine:
                if not mine:
                    return SweepResult(sweep.name, True, ELSEWHERE)
                result = sweep.run(rt, now)
    except Exception as exc:  # noqa: BLE001 - one failing sweep must not stop the others
        log.error("sweep %s failed: %s", sweep.name, describe_error(exc))
        return SweepResult(sweep.name, False, describe_error(exc))
    return SweepResult(sweep.name, True, "done" if result is None else str(result))


def catch_up_order() -> list[Sweep]:
    """The table's sweeps that run as of an instant, the outbox drain last."""
    return sorted((s for s in schedule.SWEEPS if s.catch_up), key=lambda s: s.name == OUTBOX)


def run_due(app: Flask, at: datetime) -> list[SweepResult]:
    """Run every sweep once as if it were `at`, then drain the outbox, with a clock fixed at `at`."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("`at` must carry a UTC offset")
    with app.app_context():
        rt = runtime()
        fixed = dataclasses.replace(rt, clock=FixedClock(at, rt.clock.tz))
        now = fixed.clock.now()
        return [run_one(sweep, fixed, now) for sweep in catch_up_order()]
