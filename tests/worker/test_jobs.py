"""The table of sweeps, run_due, the worker's scheduler and `flask jobs run-due --at`."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from worker import runner, schedule
from worker.runner import run_due
from worker.schedule import Sweep
from worker.scheduler import build_scheduler

from core.config import ConfigError

from ..conftest import TAIPEI, make_app
from ..outbox.helpers import add_members, queue_rows, rows

THE_TABLE = schedule.SWEEPS


def only(monkeypatch, *extra: Sweep) -> None:
    """The table with the given sweeps and the outbox drain alone (listed before it: it still runs last)."""
    drain = next(s for s in THE_TABLE if s.name == schedule.OUTBOX)
    monkeypatch.setattr(schedule, "SWEEPS", (drain, *extra))


@pytest.fixture
def spy_sweep(monkeypatch):
    seen = []

    def sweep(rt, now):
        seen.append((now, rt.clock.now()))
        return f"looked at {now:%Y-%m-%d %H:%M}"

    only(monkeypatch, Sweep("test-spy", sweep, every=timedelta(minutes=5)))
    return seen


def test_run_due_runs_every_sweep_as_of_the_instant_then_drains(app, line, clock, spy_sweep):
    rt = app.extensions["bot"]
    at = datetime(2026, 3, 1, 9, 0, tzinfo=TAIPEI)
    (mid,) = add_members(rt.db, 1, clock.now())
    queue_rows(rt.db, [mid], at, category="marketing", not_before=at)
    results = run_due(app, at)
    assert [r.name for r in results] == ["test-spy", "outbox"]  # the drain last
    assert spy_sweep == [(at, at)]
    assert results[1].ok and results[1].summary.startswith("sent 1 in 1 calls")
    (row,) = rows(rt.db)
    assert (row.status, row.sent_at) == ("sent", at)


def test_a_sweep_that_raises_does_not_stop_the_others(app, line, monkeypatch):
    def broken(rt, now):
        raise RuntimeError("boom")

    only(monkeypatch, Sweep("test-broken", broken, every=timedelta(hours=1)))
    results = run_due(app, datetime(2026, 3, 1, 9, 0, tzinfo=TAIPEI))
    assert [(r.name, r.ok) for r in results] == [("test-broken", False), ("outbox", True)]
    assert results[0].summary.startswith("RuntimeError")


def test_the_cli_prints_one_line_per_sweep(app, line, clock, spy_sweep):
    rt = app.extensions["bot"]
    (mid,) = add_members(rt.db, 1, clock.now())
    queue_rows(rt.db, [mid], datetime(2026, 3, 1, 8, 0, tzinfo=TAIPEI))
    result = app.test_cli_runner().invoke(args=["jobs", "run-due", "--at", "2026-03-01T09:00:00+08:00"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "as of 2026-03-01T09:00:00+08:00",
        "test-spy: looked at 2026-03-01 09:00",
        "outbox: sent 1 in 1 calls; failed 0; retrying 0; held 0; skipped 0",
    ]


def test_the_cli_accepts_utc(app, line, spy_sweep):
    result = app.test_cli_runner().invoke(args=["jobs", "run-due", "--at", "2026-03-01T01:00:00Z"])
    assert result.exit_code == 0, result.output
    assert "test-spy: looked at 2026-03-01 09:00" in result.output  # shown in the store's time


@pytest.mark.parametrize("bad, words", [("2026-03-01T09:00:00", "no UTC offset"), ("tomorrow", "not an ISO 8601")])
def test_the_cli_rejects_a_time_it_cannot_place(app, line, bad, words):
    result = app.test_cli_runner().invoke(args=["jobs", "run-due", "--at", bad])
    assert result.exit_code == 2
    assert words in result.output and "--at" in result.output


def test_run_due_leaves_out_what_has_no_as_of():
    names = [s.name for s in runner.catch_up_order()]
    assert "inbox-sweeper" not in names and "worker-heartbeat" not in names and names[-1] == schedule.OUTBOX
    assert len(names) == len(THE_TABLE) - 2


def test_the_worker_runs_each_sweep_at_its_own_interval(app):
    jobs = {job.id: job for job in build_scheduler(app).get_jobs()}
    assert set(jobs) == {s.name for s in THE_TABLE}
    for sweep in THE_TABLE:
        assert jobs[sweep.name].trigger.interval == sweep.every
    assert jobs[schedule.OUTBOX].trigger.interval <= timedelta(seconds=10)  # the drain every few seconds
    assert len({job.next_run_time for job in jobs.values()}) == 1  # all at start, then each at its interval


def test_worker_intervals_override_the_table_for_the_sweeps_they_name(database_url, simulator_server, clock):
    def jobs(intervals):
        app = make_app(database_url, simulator_server.url, clock, WORKER_INTERVALS=intervals)
        try:
            return {job.id: job.trigger.interval for job in build_scheduler(app).get_jobs()}
        finally:
            app.extensions["inbox_worker"].shutdown()
            app.extensions["bot"].db.dispose()

    every = jobs("outbox=0.5, broadcasts=2")
    assert every[schedule.OUTBOX] == timedelta(seconds=0.5) and every["broadcasts"] == timedelta(seconds=2)
    assert every["birthday-coupons"] == timedelta(hours=1)
    with pytest.raises(ConfigError, match="no-such-sweep"):
        jobs("no-such-sweep=5")


def test_a_scheduled_run_is_the_sweep_as_of_now(app, spy_sweep, clock):
    (job,) = [j for j in build_scheduler(app).get_jobs() if j.id == "test-spy"]
    job.func()
    assert spy_sweep == [(clock.now(), clock.now())]


def test_names_are_unique():
    names = [s.name for s in THE_TABLE]
    assert len(names) == len(set(names))
