"""`flask --app app worker` (the Procfile's worker) and `flask --app app jobs run-due [--at ISO-TIME]`."""
from __future__ import annotations

from datetime import datetime

import click
from flask import Blueprint, current_app

from cli.start import start_up
from core.runtime import runtime
from worker.runner import run_due
from worker.scheduler import build_scheduler

worker_cli = Blueprint("worker_cli", __name__, cli_group=None)
jobs_cli = Blueprint("jobs_cli", __name__, cli_group="jobs")


@worker_cli.cli.command("worker")
def worker_command():
    """Run the scheduler: every sweep at its interval (worker/schedule.py), after syncing the content library."""
    problem = start_up(runtime())
    if problem is not None:
        raise click.ClickException(problem)
    scheduler = build_scheduler(current_app._get_current_object())
    click.echo(f"worker: {len(scheduler.get_jobs())} jobs scheduled")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass


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
