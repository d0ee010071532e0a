"""The sweep registry, run_due and `flask jobs run-due --at`."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from worker import jobs
from worker.scheduler import PERIODIC_JOBS

from ..conftest import TAIPEI
from .helpers import add_members, queue_rows, rows


@pytest.fixture(autouse=True)
def only_the_drain(monkeypatch):
    """The registry with the outbox drain alone (other features register their own sweeps)."""
    monkeypatch.setattr(jobs, "_SWEEPS", {jobs.OUTBOX: jobs._SWEEPS[jobs.OUTBOX]})


@pytest.fixture
def spy_sweep():
    seen = []

    def sweep(rt, now):
        seen.append((now, rt.clock.now()))
        return f"looked at {now:%Y-%m-%d %H:%M}"

    jobs.register("test-spy", sweep, every=timedelta(minutes=5))
    return seen


def test_run_due_runs_every_sweep_as_of_the_instant_then_drains(app, line, clock, spy_sweep):
    rt = app.extensions["bot"]
    at = datetime(2026, 3, 1, 9, 0, tzinfo=TAIPEI)
    (mid,) = add_members(rt.db, 1, clock.now())
    queue_rows(rt.db, [mid], at, category="marketing", not_before=at)
    results = jobs.run_due(app, at)
    assert [r.name for r in results] == ["test-spy", "outbox"]  # the drain last
    assert spy_sweep == [(at, at)]
    assert results[1].ok and results[1].summary.startswith("sent 1 in 1 calls")
    (row,) = rows(rt.db)
    assert (row.status, row.sent_at) == ("sent", at)


def test_a_sweep_that_raises_does_not_stop_the_others(app, line):
    def broken(rt, now):
        raise RuntimeError("boom")

    jobs.register("test-broken", broken)
    results = jobs.run_due(app, datetime(2026, 3, 1, 9, 0, tzinfo=TAIPEI))
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


def test_the_worker_drains_the_outbox_every_few_seconds():
    by_name = {name: (seconds, fn) for name, seconds, fn in PERIODIC_JOBS}
    assert by_name["outbox"][0] <= 10
    assert "sweeps" in by_name


def test_the_worker_runs_each_sweep_on_its_interval(app, spy_sweep, monkeypatch):
    seconds = [1000.0]
    monkeypatch.setattr(jobs.time, "monotonic", lambda: seconds[0])
    monkeypatch.setattr(jobs, "_last_run", {})
    with app.app_context():
        jobs.scheduled_sweeps_job()  # first tick: runs
        seconds[0] += 100
        jobs.scheduled_sweeps_job()  # too soon for a 5-minute sweep
        seconds[0] += 200
        jobs.scheduled_sweeps_job()  # 5 minutes after the first run: due again
    assert len(spy_sweep) == 2
