"""Timed work: the registry of sweeps, `run_due`, and `flask jobs run-due --at ...`.

A sweep is `function(rt, now)`: one idempotent pass over the database as of `now` (a second run
changes nothing), returning something printable as its one-line summary. `rt.clock` agrees with
`now`. Registering one is a line at the end of this module:

    register("birthday-coupons", birthday_sweep, every=timedelta(hours=1))

The worker runs each sweep every `every` and drains the outbox every few seconds; `run_due` runs
every sweep once as if it were a given instant, then drains the outbox, for catching up and tests.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Iterator

import click
from flask import Blueprint, Flask, current_app
from sqlalchemy import text

from bot import outbox_sender
from core.clock import FixedClock
from core.logs import describe_error
from core.runtime import Runtime, runtime

log = logging.getLogger(__name__)

OUTBOX = "outbox"


@dataclass(frozen=True)
class Sweep:
    name: str
    run: Callable[[Runtime, datetime], Any]
    every: timedelta


_SWEEPS: dict[str, Sweep] = {}


def register(name: str, run: Callable[[Runtime, datetime], Any], every: timedelta = timedelta(hours=1)) -> Sweep:
    """Add (or replace) a sweep. The outbox drain always runs last in `run_due`."""
    sweep = Sweep(name, run, every)
    _SWEEPS[name] = sweep
    return sweep


def registered() -> list[Sweep]:
    """Every sweep, the outbox drain last (so what the others queue goes out in the same run)."""
    return sorted(_SWEEPS.values(), key=lambda s: s.name == OUTBOX)


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


def _run_one(sweep: Sweep, rt: Runtime, now: datetime) -> SweepResult:
    """Run one sweep. Each sweep runs once at a time across all workers; the outbox drain does not
    take the lock: its senders claim rows with SKIP LOCKED and scale out."""
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


def run_due(app: Flask, at: datetime) -> list[SweepResult]:
    """Run every registered sweep once as if it were `at`, then drain the outbox, with a clock fixed at `at`."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("`at` must carry a UTC offset")
    with app.app_context():
        rt = runtime()
        fixed = dataclasses.replace(rt, clock=FixedClock(at, rt.clock.tz))
        now = fixed.clock.now()
        return [_run_one(sweep, fixed, now) for sweep in registered()]


# -- in the worker (bot/worker.py's PERIODIC_JOBS call these inside the app context)
_last_run: dict[str, float] = {}


def drain_outbox_job() -> None:
    rt = runtime()
    _run_one(_SWEEPS[OUTBOX], rt, rt.clock.now())


def scheduled_sweeps_job() -> None:
    """Run each sweep (but the drain, which has its own job) whose interval has passed in this process."""
    rt = runtime()
    for sweep in registered():
        if sweep.name == OUTBOX:
            continue
        last = _last_run.get(sweep.name)
        if last is not None and time.monotonic() - last < sweep.every.total_seconds():
            continue
        _last_run[sweep.name] = time.monotonic()
        result = _run_one(sweep, rt, rt.clock.now())
        log.info("sweep %s", result)


# -- the operator's command
jobs_cli = Blueprint("jobs_cli", __name__, cli_group="jobs")


def parse_instant(value: str) -> datetime:
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date and time (e.g. 2026-03-01T09:00:00+08:00)") from None
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{value!r} has no UTC offset; say which timezone, e.g. 2026-03-01T09:00:00+08:00")
    return at


@jobs_cli.cli.command("run-due")
@click.option("--at", "at_text", metavar="ISO-TIME",
              help="the instant to run as, with its offset (e.g. 2026-03-01T09:00:00+08:00); default now")
def run_due_command(at_text):
    """Run every sweep once as of --at, then drain the outbox; one line per sweep."""
    try:
        at = parse_instant(at_text) if at_text else runtime().clock.now()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--at") from None
    results = run_due(current_app._get_current_object(), at)
    click.echo(f"as of {at.isoformat()}")
    for result in results:
        click.echo(str(result))
    if not all(r.ok for r in results):
        raise SystemExit(1)


# -- the sweeps, one line each (the drain runs last in run_due whatever the order here)
register(OUTBOX, lambda rt, now: outbox_sender.drain(rt), every=timedelta(seconds=5))

from worker import console_sweeps  # noqa: E402 - the console's sweeps use the registry defined above

register("rfm-scores", console_sweeps.rfm_scores, every=timedelta(hours=1))
register("dashboard-rollups", console_sweeps.dashboard_rollups, every=timedelta(hours=1))
register("broadcasts", console_sweeps.due_broadcasts, every=timedelta(minutes=1))

from worker import engagement_sweeps, loyalty_sweeps  # noqa: E402

register("tier-review", loyalty_sweeps.tier_review, every=timedelta(hours=1))
register("points-expiry", loyalty_sweeps.points_expiry, every=timedelta(hours=1))
register("birthday-coupons", engagement_sweeps.birthday_coupons, every=timedelta(hours=1))
register("survey-invitations", engagement_sweeps.survey_invitations, every=timedelta(minutes=10))
register("content-drip", engagement_sweeps.content_drip, every=timedelta(hours=1))
register("repurchase-reminders", engagement_sweeps.repurchase_reminders, every=timedelta(hours=6))
register("tier-keep-warnings", engagement_sweeps.tier_keep_warnings, every=timedelta(hours=6))
