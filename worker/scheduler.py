"""The worker process (Procfile `worker`): APScheduler running idempotent sweeps over the database.

Jobs live in memory in this one process (APScheduler 3 must not share a job store between
processes); the database is the queue, so a crash loses nothing and a second run changes nothing.
"""
from __future__ import annotations

import logging
from datetime import datetime

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Blueprint, current_app

from worker import jobs
from worker.heartbeat import EVERY_SECONDS, Heartbeat
from core import metrics
from core.logs import describe_error
from core.runtime import runtime

log = logging.getLogger(__name__)
worker_cli = Blueprint("worker_cli", __name__, cli_group=None)


def sweep_inbox() -> None:
    tried = current_app.extensions["inbox_worker"].sweep()
    if tried:
        log.info("inbox sweeper re-drove %d events", tried)


# (name, seconds between runs, function); each runs inside the app context
PERIODIC_JOBS = [
    ("inbox-sweeper", 30, sweep_inbox),
    ("outbox", 5, jobs.drain_outbox_job),
    ("sweeps", 60, jobs.scheduled_sweeps_job),  # each registered sweep on its own interval
]


def _guarded(app, name, fn):
    def run():
        with app.app_context():
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - a failing sweep must not stop the scheduler
                log.error("job %s failed: %s", name, describe_error(exc))
                metrics.sweep_run(name, True)
            else:
                metrics.sweep_run(name, False)
    return run


def build_scheduler(app) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=runtime().clock.tz)
    heartbeat = Heartbeat(runtime().clock.now())
    jobs_here = [*PERIODIC_JOBS, ("heartbeat", EVERY_SECONDS, lambda: heartbeat.beat(runtime()))]
    for name, seconds, fn in jobs_here:
        first = {"next_run_time": datetime.now(scheduler.timezone)} if name == "heartbeat" else {}
        scheduler.add_job(_guarded(app, name, fn), "interval", seconds=seconds, id=name, max_instances=1,
                          coalesce=True, **first)
    return scheduler


@worker_cli.cli.command("worker")
def worker_command():
    """Run the scheduler (the Procfile's worker)."""
    app = current_app._get_current_object()
    scheduler = build_scheduler(app)
    click.echo(f"worker: {len(scheduler.get_jobs())} jobs scheduled")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
