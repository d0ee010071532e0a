"""The worker's heartbeat under a concurrent writer, and what a failing sweep's log line says."""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy import event, select

from core.db import Database
from core.models import WorkerHeartbeat
from worker.heartbeat import Heartbeat
from worker.runner import run_one
from worker.schedule import Sweep


def test_the_heartbeat_beats_while_another_process_writes_between_its_read_and_its_write(rt, clock, database_url):
    """bin/dev's `worker-heartbeat` failed on SQLite with "database is locked" whenever another writer
    (the outbox drain, a web request) committed after the beat had read its row: a unit begun by reading
    cannot then write on SQLite. Here another connection commits right after that read."""
    Heartbeat(clock.now() - timedelta(minutes=1), worker_id="host:1").beat(rt)
    other = Database(database_url)
    writers: list[threading.Thread] = []

    def other_worker_beats() -> None:
        with other.session() as s:
            s.add(WorkerHeartbeat(worker_id="host:2", started_at=clock.now(), beat_at=clock.now(), stats={}))

    def after_read(conn, cursor, statement, parameters, context, executemany):
        if not writers and statement.lstrip().upper().startswith("SELECT") and "worker_heartbeats" in statement:
            writers.append(threading.Thread(target=other_worker_beats))
            writers[0].start()
            writers[0].join(timeout=1)  # done at once, unless the beat holds the write lock (then after it)

    event.listen(rt.db.engine, "after_cursor_execute", after_read)
    try:
        clock.advance(timedelta(seconds=15))
        Heartbeat(clock.now(), worker_id="host:1").beat(rt)
    finally:
        event.remove(rt.db.engine, "after_cursor_execute", after_read)
        for writer in writers:
            writer.join(timeout=40)
        other.dispose()
    assert writers, "the beat read its row first"
    with rt.db.session() as s:
        beats = dict(s.execute(select(WorkerHeartbeat.worker_id, WorkerHeartbeat.beat_at)).all())
    assert set(beats) == {"host:1", "host:2"}
    assert beats["host:1"] == clock.now()


def test_a_failing_sweeps_log_line_names_the_sweep_statement_table_and_message_but_no_parameters(rt, clock, caplog):
    secret = "U0912345678secret"
    Heartbeat(clock.now(), worker_id=secret).beat(rt)

    def duplicate_beat(rt, now):
        with rt.db.session() as s:
            s.add(WorkerHeartbeat(worker_id=secret, started_at=now, beat_at=now, stats={}))

    with caplog.at_level(logging.ERROR, logger="worker.runner"):
        result = run_one(Sweep("test-duplicate-beat", duplicate_beat, every=timedelta(hours=1)), rt, clock.now())
    (line,) = [r.getMessage() for r in caplog.records if r.name == "worker.runner"]
    assert not result.ok and result.summary in line
    assert line.startswith("sweep test-duplicate-beat failed: IntegrityError: ")
    assert "(INSERT INTO worker_heartbeats)" in line
    assert "UNIQUE constraint failed: worker_heartbeats.worker_id" in line or "duplicate key value" in line
    assert line.endswith(f"at test_sweep_failures.py:{duplicate_beat.__code__.co_firstlineno + 1}")  # its unit of work
    assert secret not in line
