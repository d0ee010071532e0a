"""The worker process (Procfile `worker`, `flask --app app worker`): APScheduler running each sweep
of worker/schedule.py at its own interval.

Jobs live in memory in this one process (APScheduler 3 must not share a job store between
processes); the database is the queue, so a crash loses nothing and a second run changes nothing.
"""
from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from core import metrics
from core.config import ConfigError
from core.runtime import runtime
from worker import schedule
from worker.runner import run_one
from worker.schedule import Sweep

log = logging.getLogger(__name__)


def _job(app: Flask, sweep: Sweep, every: float):
    def run():
        with app.app_context():
            rt = runtime()
            result = run_one(sweep, rt, rt.clock.now())
            metrics.sweep_run(sweep.name, not result.ok)
            if not result.ok or every >= 60:  # the frequent ones would flood the log
                log.info("sweep %s", result)
    return run


def intervals(sweeps: tuple[Sweep, ...], overrides: dict[str, float]) -> dict[str, float]:
    """Each sweep's interval in seconds: the table's, or WORKER_INTERVALS' for the sweeps it names."""
    unknown = sorted(set(overrides) - {s.name for s in sweeps})
    if unknown:
        raise ConfigError(f"WORKER_INTERVALS names no sweep of worker/schedule.py: {', '.join(unknown)}")
    return {s.name: overrides.get(s.name, s.every.total_seconds()) for s in sweeps}


def build_scheduler(app: Flask) -> BlockingScheduler:
    """One interval job per sweep, each first run as the worker starts (a restart does not wait out an
    hourly sweep's hour); a run still going when the next is due is not started twice."""
    with app.app_context():
        rt = runtime()
        scheduler = BlockingScheduler(timezone=rt.clock.tz)
        every = intervals(schedule.SWEEPS, rt.config.worker_intervals())
        start = rt.clock.now()
    for sweep in schedule.SWEEPS:
        scheduler.add_job(_job(app, sweep, every[sweep.name]), "interval", seconds=every[sweep.name], id=sweep.name,
                          name=sweep.name, next_run_time=start, max_instances=1, coalesce=True)
    return scheduler
