"""What the web (each gunicorn worker: gunicorn.conf.py) and the worker (`flask --app app worker`) do as
they start: find the database, else say in one line what is missing (the database itself, its tables, or
the server), and sync the content library."""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from cli.content import sync_at_start
from core.logs import describe_error
from core.models import WorkerHeartbeat
from core.runtime import Runtime
from core.schema_errors import missing_schema, safe_url

log = logging.getLogger(__name__)


def database_problem(rt: Runtime) -> str | None:
    """None when the database answers with its tables; else one line saying what is wrong."""
    try:
        with rt.db.session() as session:
            session.execute(select(WorkerHeartbeat.worker_id).limit(1))
    except SQLAlchemyError as exc:
        return missing_schema(exc, rt.config.DATABASE_URL) or \
            f"the database at {safe_url(rt.config.DATABASE_URL)} does not answer: {describe_error(exc)}"
    return None


def start_up(rt: Runtime) -> str | None:
    """The start-up of the web or the worker: the database's problem, logged and returned, or None once
    the content library is synced."""
    problem = database_problem(rt)
    if problem is not None:
        log.error("%s", problem)
        return problem
    sync_at_start(rt)
    return None
