"""Each sweep runs once at a time across workers (PostgreSQL advisory lock; SQLite needs none),
while the outbox drain takes no lock."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from worker import runner, schedule
from worker.runner import run_due
from worker.schedule import Sweep


@pytest.fixture
def counted(monkeypatch):
    runs = []
    drain = next(s for s in schedule.SWEEPS if s.name == schedule.OUTBOX)
    counted_sweep = Sweep("test-counted", lambda rt, now: runs.append(now) or "ran", every=timedelta(minutes=1))
    monkeypatch.setattr(schedule, "SWEEPS", (drain, counted_sweep))
    return runs


def test_a_sweep_held_by_another_worker_is_skipped_and_runs_once_released(app, clock, counted):
    rt = app.extensions["bot"]
    if not rt.db.is_postgres:
        pytest.skip("SQLite runs one worker: no cross-process lock")
    other = rt.db.engine.connect()  # another worker, in the middle of the sweep
    key = runner._lock_key("test-counted")
    assert other.execute(text("select pg_try_advisory_lock(:k)"), {"k": key}).scalar() is True
    try:
        results = {r.name: r for r in run_due(app, clock.now())}
        assert results["test-counted"].summary == runner.ELSEWHERE and counted == []
        assert results["outbox"].ok and results["outbox"].summary != runner.ELSEWHERE
    finally:
        other.execute(text("select pg_advisory_unlock(:k)"), {"k": key})
        other.close()
    results = {r.name: r for r in run_due(app, clock.now())}
    assert results["test-counted"].summary == "ran" and len(counted) == 1
    # released after the run (and after a failing run): another worker can take it
    with rt.db.engine.connect() as conn:
        assert conn.execute(text("select pg_try_advisory_lock(:k)"), {"k": key}).scalar() is True
        conn.execute(text("select pg_advisory_unlock(:k)"), {"k": key})


def test_a_failing_sweep_releases_its_lock(app, clock, counted, monkeypatch):
    rt = app.extensions["bot"]
    monkeypatch.setattr(schedule, "SWEEPS", (*schedule.SWEEPS, Sweep("test-failing", lambda rt, now: 1 / 0, every=timedelta(minutes=1))))
    first = {r.name: r for r in run_due(app, clock.now())}
    second = {r.name: r for r in run_due(app, clock.now())}
    assert not first["test-failing"].ok and not second["test-failing"].ok
    assert "ZeroDivisionError" in second["test-failing"].summary or "division" in second["test-failing"].summary
    assert counted == [clock.now(), clock.now()]
    if rt.db.is_postgres:
        with rt.db.engine.connect() as conn:
            held = conn.execute(text("select count(*) from pg_locks where locktype = 'advisory' and granted"
                                " and database = (select oid from pg_database where datname = current_database())")).scalar()
            assert held == 0


def test_the_lock_is_held_once_on_postgres_and_not_at_all_on_sqlite(app, clock, counted):
    rt = app.extensions["bot"]
    with runner.once_across_workers(rt, "test-counted") as mine:
        assert mine is True
        if not rt.db.is_postgres:  # no lock on SQLite: a second holder runs too
            with runner.once_across_workers(rt, "test-counted") as again:
                assert again is True
        else:
            with runner.once_across_workers(rt, "test-counted") as again:
                assert again is False


def test_a_connection_the_server_closed_is_retried_once_more(app):
    """No ping per checkout: a unit of work that meets a connection the server dropped runs again."""
    rt = app.extensions["bot"]
    if not rt.db.is_postgres:
        pytest.skip("PostgreSQL closes idle connections; SQLite has none to lose")
    from sqlalchemy import create_engine

    rt.db.engine.dispose()  # the pool then holds the one connection below
    with rt.db.engine.connect() as conn:
        pid = conn.execute(text("select pg_backend_pid()")).scalar()
    other = create_engine(rt.db.url)
    with other.connect() as killer:  # the server drops the idle pooled connection
        assert killer.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid}).scalar() is True
    other.dispose()
    tries = []

    def work(session):
        tries.append(1)
        return session.execute(text("select pg_backend_pid()")).scalar()

    assert rt.db.run(work) != pid
    assert len(tries) == 2  # the first try met the dead connection
